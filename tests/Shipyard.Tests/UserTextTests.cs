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
}
