// Times Shipyard's numeric drift statistics on the files bench.py generates, the same way bench.py times scipy:
//   dotnet run -c Release --project tests/peers/scipy-drift/DriftBench -- DIR [repeat]
// Prints each run's seconds and the median, for the product path (DriftCalculator.Compare: features in
// parallel) and for one thread, and checks the results against DIR/scipy-results.json when present.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Shipyard.Monitoring.Drift;

var directory = args.Length > 0 ? args[0] : throw new ArgumentException("usage: DriftBench DIR [repeat]");
var repeat = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "meta.json")));
var rows = meta.RootElement.GetProperty("rows").GetInt32();
var features = meta.RootElement.GetProperty("features").GetInt32();
var reference = Read(Path.Combine(directory, "reference.f64"));
var current = Read(Path.Combine(directory, "current.f64"));

var referenceTable = new FeatureTable();
var currentTable = new FeatureTable();
for (var j = 0; j < features; j++)
{
    referenceTable.AddNumeric($"f{j}", reference[j]);
    currentTable.AddNumeric($"f{j}", current[j]);
}

DriftComparison? result = null;
Measure("parallel (DriftCalculator.Compare, 2 cores)", () => result = DriftCalculator.Compare(referenceTable, currentTable));
Measure("one thread (NumericReference.FromValues + DriftCalculator.Numeric per feature)", () =>
{
    for (var j = 0; j < features; j++)
    {
        DriftCalculator.Numeric($"f{j}", NumericReference.FromValues(reference[j]), 0, current[j]);
    }
});

var scipyPath = Path.Combine(directory, "scipy-results.json");
if (File.Exists(scipyPath) && result is not null)
{
    using var scipy = JsonDocument.Parse(File.ReadAllText(scipyPath));
    // Worst relative difference per statistic (the contract: 1e-6 relative; p-values 1e-3 absolute), so a
    // mismatch names the statistic that drifted from scipy.
    double ks = 0, wasserstein = 0, psi = 0, js = 0, worstP = 0;
    var flags = 0;
    for (var j = 0; j < features; j++)
    {
        var s = scipy.RootElement[j];
        var f = result.Features[j];
        ks = Math.Max(ks, Relative(s.GetProperty("ks").GetDouble(), f.Ks!.Value.Statistic));
        wasserstein = Math.Max(wasserstein, Relative(s.GetProperty("wasserstein").GetDouble(), f.Wasserstein!.Value));
        psi = Math.Max(psi, Relative(s.GetProperty("psi").GetDouble(), f.Psi!.Value));
        js = Math.Max(js, Relative(s.GetProperty("jensenShannon").GetDouble(), f.JensenShannon!.Value));
        worstP = Math.Max(worstP, Math.Abs(s.GetProperty("pValue").GetDouble() - f.Ks!.Value.PValue));
        flags += s.GetProperty("drifted").GetBoolean() == f.Drifted ? 0 : 1;
    }

    var worst = Math.Max(Math.Max(ks, wasserstein), Math.Max(psi, js));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"vs scipy: max relative difference {worst:E2} (ks {ks:E2}, wasserstein {wasserstein:E2}, psi {psi:E2}, js {js:E2}), max p-value difference {worstP:E2}, drift flags differing {flags}"));
    if (worst > 1e-6 || worstP > 1e-3 || flags > 0)
    {
        Console.WriteLine("MISMATCH: outside the DESIGN.md §3 tolerances (1e-6 relative, p-value 1e-3 absolute, equal drift flags)");
        Environment.ExitCode = 1;
    }
}

void Measure(string label, Action action)
{
    var times = new List<double>();
    for (var i = 0; i < repeat; i++)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        times.Add(stopwatch.Elapsed.TotalSeconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: run {times[^1]:F3} s"));
    }

    times.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: median {times[times.Count / 2]:F3} s over {repeat} runs ({rows} rows x {features} features)"));
}

double[][] Read(string path)
{
    var bytes = File.ReadAllBytes(path);
    var all = MemoryMarshal.Cast<byte, double>(bytes);
    var columns = new double[features][];
    for (var j = 0; j < features; j++)
    {
        columns[j] = all.Slice(j * rows, rows).ToArray();
    }

    return columns;
}

static double Relative(double expected, double actual) => Math.Abs(expected - actual) / Math.Max(Math.Abs(expected), 1e-12);
