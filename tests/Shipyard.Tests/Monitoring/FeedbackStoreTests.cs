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
    private static readonly TimeSpan MaxAge = TimeSpan.FromDays(90);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "shipyard-feedback-" + Guid.NewGuid().ToString("N"));
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 6, 10, 15, 0, TimeSpan.Zero));

    [Fact]
    public async Task RecordAsync_ThenReadAsync_ASecondOutcomeReplacesTheFirstAndCountsOnce()
    {
        var feedback = new FeedbackStore(new FileBlobStore(_root), _clock);
        var (p1, p2) = (Id(Classifier), Id(Classifier));

        Assert.Equal(2, (await feedback.RecordAsync(Classifier, [Outcome(p1, "\"benign\""), Outcome(p2, "\"malignant\"")], MaxAge)).Accepted);
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, (await feedback.RecordAsync(Classifier, [Outcome(p1, "\"malignant\"")], MaxAge)).Accepted);

        var outcomes = await feedback.ReadAsync("breast-cancer", _clock.GetUtcNow().AddDays(-1), _clock.GetUtcNow());

        Assert.Equal(2, outcomes.Count);
        Assert.Equal("malignant", outcomes[p1].Label);
        Assert.Equal(_clock.GetUtcNow(), outcomes[p1].Received);
        Assert.Equal("malignant", outcomes[p2].Label);
    }

    [Fact]
    public async Task ReadAsync_OutsideTheWindow_LeavesOlderHoursOut()
    {
        var feedback = new FeedbackStore(new FileBlobStore(_root), _clock);
        await feedback.RecordAsync(Regressor, [Outcome(Id(Regressor), "151.5")], MaxAge);
        _clock.Advance(TimeSpan.FromDays(3));
        var recent = Id(Regressor);
        await feedback.RecordAsync(Regressor, [Outcome(recent, "99")], MaxAge);

        var outcomes = await feedback.ReadAsync("diabetes", _clock.GetUtcNow().AddHours(-1), _clock.GetUtcNow());

        Assert.Equal([recent], outcomes.Keys);
        Assert.Equal(99.0, outcomes[recent].Value);
    }

    [Fact]
    public async Task RecordAsync_InvalidActuals_NamesEveryProblemAndStoresNothing()
    {
        var feedback = new FeedbackStore(new FileBlobStore(_root), _clock);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            feedback.RecordAsync(Classifier, [Outcome(Id(Classifier), "\"benign\""), Outcome(Id(Classifier), "\"cat\""), Outcome("not-an-id", "true")], MaxAge));

        Assert.Equal(
            ["outcomes[1].actual: 'cat' is not a label of breast-cancer (labels: malignant, benign)", "outcomes[2].actual: 'true' is not a label of breast-cancer (labels: malignant, benign)"],
            error.Errors.Select(e => e.ToString()));
        Assert.Empty(await feedback.ReadAsync("breast-cancer", DateTimeOffset.MinValue, DateTimeOffset.MaxValue));
    }

    [Fact]
    public async Task RecordAsync_RegressorWithText_IsRefused()
    {
        var feedback = new FeedbackStore(new FileBlobStore(_root), _clock);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => feedback.RecordAsync(Regressor, [Outcome(Id(Regressor), "\"high\"")], MaxAge));

        Assert.Equal("outcomes[0].actual: expected the true value as a finite number, found \"high\"", Assert.Single(error.Errors).ToString());
    }

    [Fact]
    public async Task RecordAsync_UnknownAndExpiredIds_AreReportedOneByOneAndTheRestStored()
    {
        var feedback = new FeedbackStore(new FileBlobStore(_root), _clock);
        var good = Id(Classifier);
        var expired = PredictionIds.New("breast-cancer", _clock.GetUtcNow().AddDays(-91));
        var otherModels = Id(Regressor);
        var future = PredictionIds.New("breast-cancer", _clock.GetUtcNow().AddHours(1));

        var receipt = await feedback.RecordAsync(Classifier,
            [Outcome(otherModels, "\"benign\""), Outcome(good, "\"benign\""), Outcome("p-1", "\"benign\""), Outcome(expired, "\"malignant\""), Outcome(future, "\"benign\"")], MaxAge);

        Assert.Equal(1, receipt.Accepted);
        Assert.Equal([0, 2, 3, 4], receipt.Rejected.Select(r => r.Index));
        Assert.Equal([otherModels, "p-1", expired, future], receipt.Rejected.Select(r => r.PredictionId));
        Assert.StartsWith("unknown prediction id", receipt.Rejected[0].Reason, StringComparison.Ordinal);
        Assert.StartsWith("unknown prediction id", receipt.Rejected[1].Reason, StringComparison.Ordinal);
        Assert.Equal("expired: the prediction was made 2026-09-06T10:15:00Z, and outcomes are accepted for 90 days", receipt.Rejected[2].Reason);
        Assert.StartsWith("unknown prediction id", receipt.Rejected[3].Reason, StringComparison.Ordinal);
        Assert.Equal([good], (await feedback.ReadAsync("breast-cancer", DateTimeOffset.MinValue, DateTimeOffset.MaxValue)).Keys);
    }

    [Fact]
    public async Task RecordAsync_BatchRowWithItsPrediction_IsReadBackWithIt()
    {
        var feedback = new FeedbackStore(new FileBlobStore(_root), _clock);
        var prediction = new ClassPrediction("benign", new Dictionary<string, double> { ["malignant"] = 0.25, ["benign"] = 0.75 });

        var receipt = await feedback.RecordAsync(Classifier, [Outcome("claims-2026-12.7", "\"malignant\"") with { Version = "2", Prediction = prediction }], MaxAge);

        Assert.Equal(1, receipt.Accepted);
        var stored = Assert.Single(await feedback.ReadAsync("breast-cancer", DateTimeOffset.MinValue, DateTimeOffset.MaxValue)).Value;
        Assert.Equal(("malignant", "2"), (stored.Label, stored.Version));
        var read = Assert.IsType<ClassPrediction>(stored.Prediction);
        Assert.Equal(("benign", 0.75), (read.Label, read.Probabilities["benign"]));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string Id(ModelManifest manifest) => PredictionIds.New(manifest.Name, _clock.GetUtcNow().AddMinutes(-1));

    private static OutcomeSubmission Outcome(string id, string actual) => new(id, JsonDocument.Parse(actual).RootElement.Clone());

    private static ModelManifest Manifest(string model, string version) =>
        ModelManifest.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Models, model, version, "model.json")));
}
