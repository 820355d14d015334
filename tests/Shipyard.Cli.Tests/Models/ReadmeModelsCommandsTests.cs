using Shipyard.Cli.Tests.Drift;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Cli.Tests.Models;

/// <summary>The README's `models` lines run as written (in order, on a fresh file store, with the repo's bundled models),
/// so the sample cannot rot.</summary>
public sealed class ReadmeModelsCommandsTests : IDisposable
{
    private const string Prefix = "dotnet run --project src/Shipyard.Cli -- ";
    private readonly string _data = Directory.CreateTempSubdirectory("shipyard-cli-readme-").FullName;

    [Fact]
    public async Task ReadmeModelsLines_RunInOrder_AllSucceed()
    {
        var lines = File.ReadLines(Path.Combine(RepoPaths.Root, "README.md"))
            .Where(l => l.StartsWith(Prefix + "models ", StringComparison.Ordinal))
            .Select(l => (l.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0 ? l[..hash] : l)[Prefix.Length..].Trim())
            .ToList();
        Assert.True(lines.Count >= 4, $"README has {lines.Count} `models` lines");

        foreach (var line in lines)
        {
            var args = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(a => a.StartsWith("models/", StringComparison.Ordinal) ? Path.Combine(RepoPaths.Root, a) : a)
                .Append("--data-path").Append(_data)
                .ToList();
            if (args[1] != "push")
            {
                args.AddRange(["--models-path", RepoPaths.Models]);
            }

            var result = await CliRunner.InProcessAsync([.. args]);

            Assert.True(result.ExitCode == 0, $"{line}: {result.Error}");
        }
    }

    public void Dispose() => Directory.Delete(_data, recursive: true);
}
