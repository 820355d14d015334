using System.Text;
using Shipyard.Models;
using Shipyard.Monitoring.Evaluation;
using Shipyard.Scoring;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Monitoring;

/// <summary>Outcomes posted as CSV: rows are numbered as the file numbers them, whatever problems earlier rows had.</summary>
public sealed class FeedbackCsvTests
{
    private static readonly ModelManifest Diabetes = ModelManifest.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Models, "diabetes", "1", "model.json")));

    [Fact]
    public async Task ReadAsync_SeveralBadRows_NamesEachByItsOwnRow()
    {
        const string csv = "prediction,actual\nhigh,140\n99.5,120\nlow,7\n";

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => FeedbackCsv.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), Diabetes, "1", "clinic"));

        Assert.Equal(["rows[0].prediction: expected a number, found 'high'", "rows[2].prediction: expected a number, found 'low'"], error.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public async Task ReadAsync_ScoredFile_RowsNamedBatchDotRowWithTheirPredictions()
    {
        const string csv = "age,prediction,actual\n0.1,151.2,140\n0.2,99.5,120\n";

        var outcomes = await FeedbackCsv.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), Diabetes, "1", "clinic");

        Assert.Equal(["clinic.1", "clinic.2"], outcomes.Select(o => o.PredictionId));
        Assert.Equal([151.2, 99.5], outcomes.Select(o => ((RegressionPrediction)o.Prediction!).Value));
        Assert.Equal([140.0, 120.0], outcomes.Select(o => o.Actual.GetDouble()));
        Assert.All(outcomes, o => Assert.Equal("1", o.Version));
    }
}
