using System.Text.Json;
using Shipyard.Tests.Streaming;
using Shipyard.Models;
using Shipyard.Monitoring.Evaluation;
using Shipyard.Scoring;
using Shipyard.Storage;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Monitoring;

/// <summary>Outcomes stored append-only and read back latest-first per prediction, on the embedded file store.</summary>
public sealed class FeedbackStoreTests : IDisposable
{
    private static readonly ModelManifest Classifier = Manifest("breast-cancer", "2");
    private static readonly ModelManifest Regressor = Manifest("diabetes", "1");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "shipyard-feedback-" + Guid.NewGuid().ToString("N"));
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 6, 10, 15, 0, TimeSpan.Zero));

    [Fact]
    public async Task RecordAsync_ThenReadAsync_ASecondOutcomeReplacesTheFirstAndCountsOnce()
    {
        var feedback = new FeedbackStore(new FileBlobStore(_root), _clock);

        Assert.Equal(2, await feedback.RecordAsync(Classifier, [("p-1", Json("\"benign\"")), ("p-2", Json("\"malignant\""))]));
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await feedback.RecordAsync(Classifier, [("p-1", Json("\"malignant\""))]));

        var outcomes = await feedback.ReadAsync("breast-cancer", _clock.GetUtcNow().AddDays(-1), _clock.GetUtcNow());

        Assert.Equal(2, outcomes.Count);
        Assert.Equal("malignant", outcomes["p-1"].Label);
        Assert.Equal(_clock.GetUtcNow(), outcomes["p-1"].Received);
        Assert.Equal("malignant", outcomes["p-2"].Label);
    }

    [Fact]
    public async Task ReadAsync_OutsideTheWindow_LeavesOlderHoursOut()
    {
        var feedback = new FeedbackStore(new FileBlobStore(_root), _clock);
        await feedback.RecordAsync(Regressor, [("old", Json("151.5"))]);
        _clock.Advance(TimeSpan.FromDays(3));
        await feedback.RecordAsync(Regressor, [("new", Json("99"))]);

        var outcomes = await feedback.ReadAsync("diabetes", _clock.GetUtcNow().AddHours(-1), _clock.GetUtcNow());

        Assert.Equal(["new"], outcomes.Keys);
        Assert.Equal(99.0, outcomes["new"].Value);
    }

    [Fact]
    public async Task RecordAsync_InvalidOutcomes_NamesEveryProblemAndStoresNothing()
    {
        var store = new FileBlobStore(_root);
        var feedback = new FeedbackStore(store, _clock);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => feedback.RecordAsync(Classifier, [("ok-1", Json("\"benign\"")), ("bad id!", Json("\"cat\""))]));

        Assert.Equal(
            ["outcomes[1].predictionId: expected 1-128 letters, digits, '-', '_' or '.'", "outcomes[1].actual: 'cat' is not a label of breast-cancer (labels: malignant, benign)"],
            error.Errors.Select(e => e.ToString()));
        Assert.Empty(await feedback.ReadAsync("breast-cancer", DateTimeOffset.MinValue, DateTimeOffset.MaxValue));
    }

    [Fact]
    public async Task RecordAsync_RegressorWithText_IsRefused()
    {
        var feedback = new FeedbackStore(new FileBlobStore(_root), _clock);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => feedback.RecordAsync(Regressor, [("p", Json("\"high\""))]));

        Assert.Equal("outcomes[0].actual: expected the true value as a finite number, found \"high\"", Assert.Single(error.Errors).ToString());
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private static ModelManifest Manifest(string model, string version) =>
        ModelManifest.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Models, model, version, "model.json")));
}
