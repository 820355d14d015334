using Shipyard.Scoring;
using Xunit;

namespace Shipyard.Tests.Scoring;

public sealed class PredictionIdsTests
{
    [Fact]
    public void New_Is32HexDigitsUniqueAndReadsBackItsTime()
    {
        var time = new DateTimeOffset(2026, 12, 6, 17, 5, 1, 234, TimeSpan.Zero);

        var ids = PredictionIds.NewBatch("breast-cancer", time, 10_000);

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{32}$", id));
        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.True(PredictionIds.TryReadTime("breast-cancer", id, out var made) && made == time));
    }

    [Fact]
    public void TryReadTime_AnotherModelsIdOrATamperedOne_IsNotRecognised()
    {
        var id = PredictionIds.New("breast-cancer", DateTimeOffset.UtcNow);
        var tampered = (id[20] == '0' ? "1" : "0") is var digit ? id[..20] + digit + id[21..] : id;

        Assert.False(PredictionIds.TryReadTime("diabetes", id, out _));
        Assert.False(PredictionIds.TryReadTime("breast-cancer", tampered, out _));
        Assert.False(PredictionIds.TryReadTime("breast-cancer", id.ToUpperInvariant(), out _));
        Assert.False(PredictionIds.TryReadTime("breast-cancer", id[..31], out _));
        Assert.False(PredictionIds.TryReadTime("breast-cancer", null, out _));
    }
}
