using Xunit;

namespace Shipyard.Tests;

public sealed class UserTextTests
{
    [Theory]
    [InlineData(0, 80, 0, false)]
    [InlineData(80, 80, 80, false)]
    [InlineData(81, 80, 80, true)]
    [InlineData(40, 40, 40, false)]
    [InlineData(41, 40, 40, true)]
    public void Shorten_KeepsUpToMax_AndMarksACut(int length, int max, int kept, bool cut)
    {
        var value = new string('x', length);
        var expected = new string('x', kept) + (cut ? "…" : "");

        Assert.Equal(expected, UserText.Shorten(value, max));
        Assert.Equal(expected, UserText.Shorten(value.AsSpan(), max));
    }

    [Fact]
    public void Shorten_DefaultsTo80Characters()
    {
        Assert.Equal(new string('y', 80) + "…", UserText.Shorten(new string('y', 5000)));
    }

    [Theory]
    [InlineData("{}", "an object")]
    [InlineData("[]", "an array")]
    [InlineData("\"x\"", "a string")]
    [InlineData("1.5", "a number")]
    [InlineData("false", "a boolean")]
    [InlineData("null", "null")]
    public void Describe_NamesTheKind(string json, string expected)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(expected, UserText.Describe(document.RootElement.ValueKind));
    }
}
