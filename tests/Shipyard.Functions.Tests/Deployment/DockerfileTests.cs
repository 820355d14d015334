using System.Text.RegularExpressions;
using Xunit;

namespace Shipyard.Functions.Tests.Deployment;

/// <summary>src/Shipyard.Functions/Dockerfile (CPU) and Dockerfile.gpu, read as text (no Docker engine here; CI builds the CPU image).</summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string> Dockerfiles() => new() { "Dockerfile", "Dockerfile.gpu" };

    private static string[] Instructions(string name) =>
        ContinuationPattern().Replace(DeploymentFiles.Read(Path.Combine(DeploymentFiles.FunctionProject, name)), " ")
            .Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_IsMultiStageNonRootWithHealthCheckOnApiHealth(string name)
    {
        var lines = Instructions(name);
        var froms = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        var final = lines[froms[^1].i..];

        Assert.True(froms.Count >= 2, $"{name} is not multi-stage");
        var user = Assert.Single(final, l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.DoesNotMatch(@"^USER\s+(root|0)(:|$)", user);
        Assert.Contains(final, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal) && l.Contains("/api/health", StringComparison.Ordinal));
        Assert.Contains(final, l => l.StartsWith("ENTRYPOINT [\"/app/Shipyard.Functions\"", StringComparison.Ordinal) && l.Contains("--urls", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_CopiesFromTheBuildContextOnlyPathsThatExistAndAreNotIgnored(string name)
    {
        var ignored = DeploymentFiles.Read(Path.Combine(DeploymentFiles.Root, ".dockerignore")).Split('\n')
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        var sources = Instructions(name).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]).ToList();

        Assert.NotEmpty(sources);
        foreach (var source in sources.Select(s => s.TrimEnd('/')))
        {
            Assert.True(File.Exists(Path.Combine(DeploymentFiles.Root, source)) || Directory.Exists(Path.Combine(DeploymentFiles.Root, source)), $"{name} copies missing '{source}'");
            Assert.DoesNotContain(source, ignored);
        }
    }

    [Fact]
    public void DockerfileGpu_TakesOnnxRuntimeFromGpuNuGetPackageOnCudaRuntime()
    {
        var lines = Instructions("Dockerfile.gpu");

        Assert.Contains(lines, l => l.StartsWith("ARG CUDA_IMAGE=nvidia/cuda:12.", StringComparison.Ordinal) && l.Contains("cudnn-runtime", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("PackageDownload Include=\"Microsoft.ML.OnnxRuntime.Gpu.Linux\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("ONNXRUNTIME_LIB=/ort/libonnxruntime.so", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("cp /ort/libonnxruntime_providers_*.so /app/", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("FROM ${CUDA_IMAGE}", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex ContinuationPattern();
}
