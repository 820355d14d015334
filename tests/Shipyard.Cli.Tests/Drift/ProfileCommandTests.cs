using Shipyard.Monitoring.Baselines;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Cli.Tests.Drift;

/// <summary>`shipyard profile` writes baseline.json next to the manifest from training data.</summary>
public sealed class ProfileCommandTests : IDisposable
{
    private readonly string _models = Directory.CreateTempSubdirectory("shipyard-cli-profile-").FullName;

    [Fact]
    public async Task Profile_BundledBreastCancer_WritesBaselineIntoPackage()
    {
        var package = Path.Combine(_models, "breast-cancer", "1");
        Directory.CreateDirectory(package);
        File.Copy(Path.Combine(RepoPaths.Models, "breast-cancer", "1", "model.json"), Path.Combine(package, "model.json"));
        var train = Path.Combine(RepoPaths.Models, "breast-cancer", "data", "train.csv");

        var result = await CliRunner.InProcessAsync("profile", "--model", "breast-cancer", "--version", "1", "--data", train, "--models-path", _models);

        Assert.True(result.ExitCode == 0, result.Error);
        var baseline = BaselineProfileJson.Read(Path.Combine(package, "baseline.json"));
        var rows = File.ReadLines(train).Count() - 1;
        Assert.Equal(rows, baseline.Rows);
        Assert.Equal(30, baseline.Features.Count);
        Assert.All(baseline.Features, f => Assert.Equal(rows, f.Histogram!.Sum()));
        Assert.Equal(rows, baseline.Prediction!.Categories!.Values.Sum());
        Assert.Equal(["benign", "malignant"], baseline.Prediction.Categories.Keys.Order());
    }

    [Fact]
    public async Task Profile_UnknownModel_ExitsOneNamingTheManifest()
    {
        var train = Path.Combine(RepoPaths.Models, "breast-cancer", "data", "train.csv");

        var result = await CliRunner.InProcessAsync("profile", "--model", "nope", "--version", "1", "--data", train, "--models-path", _models);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(Path.Combine(_models, "nope", "1", "model.json"), result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Profile_PathInModelName_Refused()
    {
        var train = Path.Combine(RepoPaths.Models, "breast-cancer", "data", "train.csv");

        var result = await CliRunner.InProcessAsync("profile", "--model", "../x", "--version", "1", "--data", train, "--models-path", _models);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: --model '../x' is not a valid name (no path separators, '.' or '..').", result.Error.Trim());
    }

    public void Dispose() => Directory.Delete(_models, recursive: true);
}
