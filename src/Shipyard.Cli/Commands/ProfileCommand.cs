using System.CommandLine;
using Shipyard.Monitoring.Baselines;
using Shipyard.Monitoring.Drift;

namespace Shipyard.Cli.Commands;

/// <summary>
/// <c>shipyard profile --model NAME --version V --data train.csv [--models-path models] [--output path]</c>:
/// profiles training data into the model version's baseline.json (the drift baseline).
/// </summary>
internal static class ProfileCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Model name (folder under the models path).", Required = true };
        var version = new Option<string>("--version") { Description = "Model version (folder under the model).", Required = true };
        var data = new Option<FileInfo>("--data") { Description = "Training data CSV: the manifest's feature columns, optionally a 'prediction' column.", Required = true };
        var modelsPath = new Option<DirectoryInfo>("--models-path") { Description = "Folder of model packages.", DefaultValueFactory = _ => new DirectoryInfo("models") };
        var output = new Option<FileInfo?>("--output") { Description = "Where to write the profile (default: <models-path>/<model>/<version>/baseline.json)." };
        var sampleSize = new Option<int>("--sample-size") { Description = "Reservoir sample kept per numeric feature for KS/Wasserstein.", DefaultValueFactory = _ => 10_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the reservoir sampler.", DefaultValueFactory = _ => 42 };
        var command = new Command("profile", "Profile training data into models/NAME/VERSION/baseline.json (the drift baseline).")
        {
            model, version, data, modelsPath, output, sampleSize, seed,
        };
        command.SetAction((parseResult, cancellationToken) => CommandErrors.RunAsync(parseResult, async stdout =>
        {
            var name = parseResult.GetRequiredValue(model);
            var versionName = parseResult.GetRequiredValue(version);
            ValidateName(name, "--model");
            ValidateName(versionName, "--version");
            var dataFile = parseResult.GetRequiredValue(data);
            DriftCommands.RequireFile(dataFile, "--data");
            var packageDirectory = Path.Combine(parseResult.GetRequiredValue(modelsPath).FullName, name, versionName);
            var manifest = Path.Combine(packageDirectory, "model.json");
            if (!File.Exists(manifest))
            {
                throw new FileNotFoundException($"No manifest for {name} v{versionName}: {manifest} does not exist (check --model, --version and --models-path).");
            }

            var size = parseResult.GetValue(sampleSize);
            if (size <= 0)
            {
                throw new ArgumentException($"--sample-size must be positive, got {size}.");
            }

            var features = ModelFeatureList.Read(manifest);
            var table = FeatureTable.ReadCsv(dataFile.FullName, features.Where(f => f.IsCategorical).Select(f => f.Name));
            var profile = BaselineProfiler.Build(name, versionName, table, features, dataFile.Name, size, parseResult.GetValue(seed), ModelFeatureList.IsClassifier(manifest));
            var target = parseResult.GetValue(output)?.FullName ?? Path.Combine(packageDirectory, "baseline.json");
            await AtomicFile.WriteAllTextAsync(target, BaselineProfileJson.Serialize(profile) + "\n", cancellationToken).ConfigureAwait(false);
            await stdout.WriteLineAsync($"profiled {profile.Rows} rows, {profile.Features.Count} features{(profile.Prediction is null ? string.Empty : " + prediction")} -> {target}").ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    // Names become path segments: refuse anything that could climb out of the models folder.
    internal static void ValidateName(string value, string option)
    {
        if (string.IsNullOrWhiteSpace(value) || value is "." or ".." || value.IndexOfAny(['/', '\\', ':']) >= 0 || value.Any(char.IsControl))
        {
            throw new ArgumentException($"{option} '{value}' is not a valid name (no path separators, '.' or '..').");
        }
    }
}
