using System.Diagnostics;
using Shipyard.Testing;

namespace Shipyard.Onnx.Tests.ModelPackages;

/// <summary>
/// The committed packages are what models/training produces: each training script, run into a temporary
/// folder with the settings of build_all.sh, writes files byte-identical to those under models/
/// (so a converter or training change that was not rebuilt, or a hand edit, fails here).
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
                Assert.True(
                    File.ReadAllBytes(committed).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(rebuilt, file))),
                    $"{model}/{file} differs from what {script} produces: rebuild with models/training/build_all.sh.");
            }
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static async Task RunScriptAsync(string script, string outputDirectory)
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
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
