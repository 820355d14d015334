using System.Diagnostics;
using System.Globalization;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Onnx.ModelPackages;

/// <summary>
/// The committed packages are what models/training produces: each training script, run into a temporary
/// folder with the settings of build_all.sh, writes files byte-identical to those under models/, samples.csv's
/// expected outputs equal within 1e-12 (so a converter or training change that was not rebuilt, or a hand edit, fails here).
/// Needs Debian's python3-sklearn/python3-onnx (models/training/install.sh, .ci/run) and node_modules.
/// </summary>
public class TrainingReproducibilityTests
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(5);

    public static TheoryData<string, string> Scripts() => new()
    {
        { "train_breast_cancer.py", "breast-cancer" },
        { "train_diabetes.py", "diabetes" },
        { "train_digits.py", "digits" },
    };

    [Theory]
    [Trait("Category", "Slow")]
    [MemberData(nameof(Scripts))]
    public async Task TrainingScript_RebuildsTheCommittedFilesByteForByte(string script, string model)
    {
        var output = Directory.CreateTempSubdirectory("shipyard-training-");
        try
        {
            await RunScriptAsync(script, output.FullName);

            var rebuilt = Path.Combine(output.FullName, model);
            var produced = Directory.GetFiles(rebuilt, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(rebuilt, f))
                .Order(StringComparer.Ordinal)
                .ToList();
            Assert.Contains(Path.Combine("1", "model.onnx"), produced);
            foreach (var file in produced)
            {
                var committed = Path.Combine(RepoPaths.Models, model, file);
                Assert.True(File.Exists(committed), $"{script} writes {model}/{file}, which is not committed.");
                var difference = Path.GetFileName(file) == "samples.csv"
                    ? SamplesDifference(File.ReadAllLines(committed), File.ReadAllLines(Path.Combine(rebuilt, file)))
                    : File.ReadAllBytes(committed).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(rebuilt, file))) ? null : "bytes differ";
                Assert.True(
                    difference is null,
                    $"{model}/{file} differs from what {script} produces ({difference}): rebuild with models/training/build_all.sh.");
            }
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Largest difference allowed between a committed and a rebuilt expected output in samples.csv. The expectations are
    /// sklearn's float64 outputs, computed through OpenBLAS, whose kernels depend on the CPU: the digits MLP's
    /// probabilities differ by up to 1.1e-15 between an Intel and an AMD EPYC machine (model.onnx is byte-identical).
    /// </summary>
    private const double SampleTolerance = 1e-12;

    /// <summary>
    /// Null when the two samples.csv texts have the same lines and cells, numbers equal within <see cref="SampleTolerance"/>
    /// (inputs, labels and header are copied data, so they match exactly); otherwise the first difference.
    /// </summary>
    private static string? SamplesDifference(string[] committed, string[] rebuilt)
    {
        if (committed.Length != rebuilt.Length)
        {
            return $"{committed.Length} lines committed, {rebuilt.Length} rebuilt";
        }

        for (var line = 0; line < committed.Length; line++)
        {
            var expected = committed[line].Split(',');
            var actual = rebuilt[line].Split(',');
            if (expected.Length != actual.Length)
            {
                return $"line {line + 1}: {expected.Length} cells committed, {actual.Length} rebuilt";
            }

            for (var cell = 0; cell < expected.Length; cell++)
            {
                if (expected[cell] == actual[cell])
                {
                    continue;
                }

                var bothNumbers = double.TryParse(expected[cell], CultureInfo.InvariantCulture, out var a)
                    & double.TryParse(actual[cell], CultureInfo.InvariantCulture, out var b);
                if (!bothNumbers || Math.Abs(a - b) > SampleTolerance)
                {
                    return $"line {line + 1}, column {cell + 1}: {expected[cell]} committed, {actual[cell]} rebuilt";
                }
            }
        }

        return null;
    }

    private static async Task RunScriptAsync(string script, string outputDirectory)
    {
        var python = DebianPython.Executable;
        var start = new ProcessStartInfo(python)
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "models", "training", script));
        start.ArgumentList.Add(outputDirectory);
        // Same settings as models/training/build_all.sh.
        foreach (var variable in new[] { "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS" })
        {
            start.Environment[variable] = "1";
        }

        start.Environment["PYTHONHASHSEED"] = "0";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {python}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ScriptTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} did not finish within {ScriptTimeout}.");
        }

        Assert.True(
            process.ExitCode == 0,
            $"{script} exited with {process.ExitCode} (run models/training/install.sh and npm ci first):\n{await stdout}\n{await stderr}");
    }
}
