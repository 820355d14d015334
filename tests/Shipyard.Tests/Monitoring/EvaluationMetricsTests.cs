using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Shipyard.Monitoring.Evaluation;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Monitoring;

/// <summary>
/// The evaluation metrics against scikit-learn 1.2 and scipy on the same data (Debian's python3-sklearn and
/// python3-scipy, which .ci/run installs), to 1e-9; the calibration error against a numpy transcription of its
/// definition; the estimate and the comparison on cases whose answer is known.
/// </summary>
public class EvaluationMetricsTests
{
    private const double Tolerance = 1e-9;

    [Theory]
    [InlineData(2, 3000, 1)]
    [InlineData(3, 2500, 2)]
    [InlineData(10, 4000, 3)]
    public void ClassificationMetrics_EqualScikitLearn(int classes, int rows, int seed)
    {
        var (actual, predicted, probabilities) = Classification(classes, rows, seed);

        var metrics = ClassificationMetrics.Compute(classes, actual, predicted, probabilities);

        var expected = Python(Classes(classes, actual, predicted, probabilities), """
            import sys, json, numpy as np
            from sklearn.metrics import accuracy_score, log_loss, roc_auc_score, f1_score
            d = np.loadtxt(sys.argv[1], delimiter=",", ndmin=2)
            C = int(sys.argv[2]); y, yhat, P = d[:, 0].astype(int), d[:, 1].astype(int), d[:, 2:]
            conf = P[np.arange(len(y)), yhat]
            bins = np.clip(np.ceil(conf * 10 - 1e-9).astype(int) - 1, 0, 9)
            ece = sum(abs((y[bins == b] == yhat[bins == b]).mean() - conf[bins == b].mean()) * (bins == b).sum() / len(y) for b in range(10) if (bins == b).any())
            print(json.dumps({"accuracy": accuracy_score(y, yhat), "logLoss": log_loss(y, P, labels=list(range(C))),
                "rocAuc": roc_auc_score(y, P[:, 1]) if C == 2 else None,
                "macroF1": f1_score(y, yhat, average="macro", labels=list(range(C)), zero_division=0), "ece": ece}))
            """, classes.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(expected.GetProperty("accuracy").GetDouble(), metrics.Accuracy, Tolerance);
        Assert.Equal(expected.GetProperty("logLoss").GetDouble(), metrics.LogLoss!.Value, Tolerance);
        Assert.Equal(expected.GetProperty("macroF1").GetDouble(), metrics.MacroF1, Tolerance);
        Assert.Equal(expected.GetProperty("ece").GetDouble(), metrics.ExpectedCalibrationError!.Value, Tolerance);
        if (classes == 2)
        {
            Assert.Equal(expected.GetProperty("rocAuc").GetDouble(), metrics.RocAuc!.Value, Tolerance);
        }
        else
        {
            Assert.Null(metrics.RocAuc);
        }
    }

    [Fact]
    public void RegressionMetrics_EqualScikitLearn()
    {
        var random = new Random(7);
        var actual = Enumerable.Range(0, 5000).Select(_ => 100 + (50 * random.NextDouble())).ToArray();
        var predicted = actual.Select(a => a + (10 * (random.NextDouble() - 0.4))).ToArray();

        var metrics = RegressionMetrics.Compute(actual, predicted);

        var csv = new StringBuilder();
        for (var i = 0; i < actual.Length; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{actual[i]:R},{predicted[i]:R}\n");
        }

        var expected = Python(csv.ToString(), """
            import sys, json, numpy as np
            from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
            d = np.loadtxt(sys.argv[1], delimiter=",")
            print(json.dumps({"mae": mean_absolute_error(d[:, 0], d[:, 1]), "rmse": mean_squared_error(d[:, 0], d[:, 1]) ** 0.5, "r2": r2_score(d[:, 0], d[:, 1])}))
            """);
        Assert.Equal(expected.GetProperty("mae").GetDouble(), metrics.Mae, Tolerance);
        Assert.Equal(expected.GetProperty("rmse").GetDouble(), metrics.Rmse, Tolerance);
        Assert.Equal(expected.GetProperty("r2").GetDouble(), metrics.R2, Tolerance);
    }

    [Fact]
    public void RegressionMetrics_ConstantOutcomes_R2IsScikitLearnsForcedFiniteValue()
    {
        Assert.Equal(1.0, RegressionMetrics.Compute([3, 3, 3], [3, 3, 3]).R2);
        Assert.Equal(0.0, RegressionMetrics.Compute([3, 3, 3], [3, 4, 3]).R2);
    }

    [Fact]
    public void OfAccuracy_PValueAndInterval_EqualScipysNormal()
    {
        var baseline = Accuracy(0.80, 2000);
        var candidate = Accuracy(0.77, 1800);

        var comparison = VersionComparison.OfAccuracy("1", baseline, "2", candidate, minimumCount: 100);

        var expected = Python("", """
            import json
            from scipy.stats import norm
            p1, n1, p2, n2 = 0.80, 2000, 0.77, 1800
            pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
            z = (p2 - p1) / (pooled * (1 - pooled) * (1 / n1 + 1 / n2)) ** 0.5
            se = (p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2) ** 0.5
            print(json.dumps({"p": 2 * norm.sf(abs(z)), "lo": p2 - p1 - norm.ppf(0.975) * se, "hi": p2 - p1 + norm.ppf(0.975) * se}))
            """);
        Assert.Equal(expected.GetProperty("p").GetDouble(), comparison.PValue!.Value, Tolerance);
        Assert.Equal(expected.GetProperty("lo").GetDouble(), comparison.Ci95![0], Tolerance);
        Assert.Equal(expected.GetProperty("hi").GetDouble(), comparison.Ci95[1], Tolerance);
        Assert.Equal(VersionComparison.RollBack, comparison.Verdict);
    }

    [Fact]
    public void OfAccuracy_ASideWithoutOutcomes_IsNotEnoughDataWithNothingToSerialize()
    {
        var comparison = VersionComparison.OfAccuracy("1", Accuracy(0.8, 500), "2", ClassificationMetrics.Compute(2, [], [], []), minimumCount: 0);

        Assert.Equal(VersionComparison.NotEnoughData, comparison.Verdict);
        Assert.Null(comparison.PValue);
        Assert.Null(comparison.Difference);
        Assert.Null(comparison.Ci95);
    }

    [Theory]
    [InlineData(0.80, 2000, 0.84, 2000, VersionComparison.Promote)]
    [InlineData(0.80, 2000, 0.805, 2000, VersionComparison.Keep)]
    [InlineData(0.80, 2000, 0.60, 50, VersionComparison.NotEnoughData)]
    public void OfAccuracy_Verdicts(double p1, int n1, double p2, int n2, string verdict)
    {
        Assert.Equal(verdict, VersionComparison.OfAccuracy("1", Accuracy(p1, n1), "2", Accuracy(p2, n2), minimumCount: 100).Verdict);
    }

    [Fact]
    public void PerformanceEstimate_CalibratedProbabilities_EstimateTheRealisedAccuracyAndAuc()
    {
        // Outcomes drawn from the model's own probabilities: the estimate must land near what is then realised.
        var (actual, predicted, probabilities) = Classification(2, 20_000, 11, calibrated: true);

        var (accuracy, auc) = PerformanceEstimate.Of(2, predicted, probabilities);
        var realised = ClassificationMetrics.Compute(2, actual, predicted, probabilities);

        Assert.InRange(accuracy - realised.Accuracy, -0.015, 0.015);
        Assert.InRange(auc!.Value - realised.RocAuc!.Value, -0.015, 0.015);
    }

    [Fact]
    public void PerformanceEstimate_TwoRows_IsTheHandComputedValue()
    {
        // Scores 0.2 and 0.9: expected positives 1.1, negatives 0.9. Thresholds from the top: (0.9) adds tp .9, fp .1;
        // (0.2) adds tp .2, fp .8. AUC = .1/.9 * (.45/1.1) + .8/.9 * ((.9 + .1)/1.1).
        var (accuracy, auc) = PerformanceEstimate.Of(2, [0, 1], [0.8, 0.2, 0.1, 0.9]);

        Assert.Equal(0.85, accuracy, Tolerance);
        Assert.Equal((0.1 / 0.9 * (0.45 / 1.1)) + (0.8 / 0.9 * (1.0 / 1.1)), auc!.Value, Tolerance);
    }

    private static ClassificationMetrics Accuracy(double p, int n)
    {
        var correct = (int)Math.Round(p * n);
        var actual = new int[n];
        var predicted = Enumerable.Range(0, n).Select(i => i < correct ? 0 : 1).ToArray();
        return ClassificationMetrics.Compute(2, actual, predicted, []);
    }

    /// <summary>Random rows: softmax of random logits as probabilities (rounded to 2 decimals for binary, so scores tie),
    /// the most probable class predicted, the outcome mostly the prediction (or, <paramref name="calibrated"/>, drawn
    /// from the probabilities).</summary>
    private static (int[] Actual, int[] Predicted, double[] Probabilities) Classification(int classes, int rows, int seed, bool calibrated = false)
    {
        var random = new Random(seed);
        var actual = new int[rows];
        var predicted = new int[rows];
        var probabilities = new double[rows * classes];
        for (var r = 0; r < rows; r++)
        {
            var logits = Enumerable.Range(0, classes).Select(_ => 3 * random.NextDouble()).ToArray();
            var total = logits.Sum(Math.Exp);
            for (var c = 0; c < classes; c++)
            {
                probabilities[(r * classes) + c] = Math.Exp(logits[c]) / total;
            }

            if (classes == 2)
            {
                probabilities[(r * 2) + 1] = Math.Round(probabilities[(r * 2) + 1], 2);
                probabilities[r * 2] = 1 - probabilities[(r * 2) + 1];
            }

            predicted[r] = Array.IndexOf(logits, logits.Max());
            if (classes == 2)
            {
                predicted[r] = probabilities[(r * 2) + 1] > probabilities[r * 2] ? 1 : 0;
            }

            actual[r] = calibrated ? Draw(random, probabilities.AsSpan(r * classes, classes)) : random.NextDouble() < 0.7 ? predicted[r] : random.Next(classes);
        }

        return (actual, predicted, probabilities);
    }

    private static int Draw(Random random, ReadOnlySpan<double> probabilities)
    {
        var u = random.NextDouble();
        for (var c = 0; c < probabilities.Length; c++)
        {
            u -= probabilities[c];
            if (u < 0)
            {
                return c;
            }
        }

        return probabilities.Length - 1;
    }

    private static string Classes(int classes, int[] actual, int[] predicted, double[] probabilities)
    {
        var csv = new StringBuilder();
        for (var r = 0; r < actual.Length; r++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{actual[r]},{predicted[r]}");
            for (var c = 0; c < classes; c++)
            {
                csv.Append(CultureInfo.InvariantCulture, $",{probabilities[(r * classes) + c]:R}");
            }

            csv.Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>Runs <paramref name="script"/> with python3 on <paramref name="csv"/> (written to a file, its path the
    /// first argument) and parses the JSON it prints.</summary>
    private static JsonElement Python(string csv, string script, params string[] arguments)
    {
        var data = Path.GetTempFileName();
        var code = Path.GetTempFileName();
        try
        {
            File.WriteAllText(data, csv);
            File.WriteAllText(code, script);
            var start = new ProcessStartInfo(DebianPython.Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { code, data }.Concat(arguments))
            {
                start.ArgumentList.Add(argument);
            }

            using var python = Process.Start(start)!;
            // Both pipes at once: a script that writes much to stderr must not block on a full pipe.
            var error = python.StandardError.ReadToEndAsync();
            var output = python.StandardOutput.ReadToEnd();
            python.WaitForExit();
            Assert.True(python.ExitCode == 0, $"python3 failed (apt-get install python3-sklearn python3-scipy; .ci/run does): {error.Result}");
            return JsonDocument.Parse(output).RootElement.Clone();
        }
        finally
        {
            File.Delete(data);
            File.Delete(code);
        }
    }
}
