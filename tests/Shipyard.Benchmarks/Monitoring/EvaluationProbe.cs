using System.Diagnostics;
using System.Globalization;
using Shipyard.Models;
using Shipyard.Monitoring.Evaluation;

namespace Shipyard.Benchmarks.Monitoring;

/// <summary>
/// Time to evaluate N predictions with outcomes (issue 23: 1M in ≤ 10 s): breast-cancer's labels, 80% production and
/// 20% canary, every prediction with probabilities and an outcome; the rows are built before the clock starts. Run with
/// <c>dotnet artifacts/bench-batch/Shipyard.Benchmarks.dll --evaluate 1000000</c> from the repository root.
/// </summary>
internal static class EvaluationProbe
{
    public static void Run(int rows)
    {
        var manifest = ModelManifest.Parse(File.ReadAllBytes(Path.Combine("models", "breast-cancer", "2", "model.json")));
        var random = new Random(1);
        var outcomes = new List<ScoredOutcome>(rows);
        for (var i = 0; i < rows; i++)
        {
            var p = random.NextDouble();
            var label = p >= 0.5 ? "benign" : "malignant";
            var actual = random.NextDouble() < 0.85 ? label : (label == "benign" ? "malignant" : "benign");
            outcomes.Add(new ScoredOutcome(i % 5 == 0 ? "2" : "1", i % 5 == 0 ? "canary" : "production", label,
                new Dictionary<string, double> { ["benign"] = p, ["malignant"] = 1 - p }, null, actual, null));
        }

        for (var round = 0; round < 3; round++)
        {
            var clock = Stopwatch.StartNew();
            var report = OutcomeEvaluator.Evaluate(manifest, new EvaluationWindow(DateTimeOffset.UnixEpoch, DateTimeOffset.UtcNow), outcomes, "1", "2", 1000);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{rows:N0} predictions with outcomes: {clock.Elapsed.TotalSeconds:F2} s (verdict {report.Comparison?.Verdict})"));
        }
    }
}
