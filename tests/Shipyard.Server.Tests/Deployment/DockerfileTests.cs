using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;

namespace Shipyard.Server.Tests.Deployment;

/// <summary>src/Shipyard.Server/Dockerfile (CPU) and Dockerfile.gpu, read as text (no Docker engine here; CI builds the CPU image).</summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string> Dockerfiles() => new() { "Dockerfile", "Dockerfile.gpu" };

    private static string[] Instructions(string name) =>
        ContinuationPattern().Replace(DeploymentFiles.Read(Path.Combine(DeploymentFiles.ServerProject, name)), " ")
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
        Assert.Contains(final, l => l.StartsWith("ENTRYPOINT [\"/app/Shipyard.Server\"", StringComparison.Ordinal) && l.Contains("--urls", StringComparison.Ordinal));
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
    public void DockerfileGpu_PublishesWithTheGpuOnnxRuntimePackageOnACudaRuntimeImage()
    {
        var lines = Instructions("Dockerfile.gpu");

        Assert.Contains(lines, l => l.StartsWith("RUN dotnet publish", StringComparison.Ordinal) && l.Contains("-p:ShipyardOnnxRuntimeGpu=true", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ARG CUDA_IMAGE=nvidia/cuda:", StringComparison.Ordinal) && l.Contains("-cudnn-runtime-", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("FROM ${CUDA_IMAGE}", StringComparison.Ordinal));
    }

    /// <summary>
    /// The CUDA provider of the GPU package links one CUDA major version (libcudart.so.N, libcublas.so.N); the image must
    /// ship that major, or CUDA can never load and every cuda model silently runs on the CPU (or fails under "require").
    /// </summary>
    [Fact]
    public void DockerfileGpu_CudaImageMajor_IsTheOneTheOnnxRuntimeCudaProviderLinks()
    {
        var package = typeof(DockerfileTests).Assembly.GetCustomAttributes<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "OnnxRuntimeGpuPackagePath").Value!;
        Assert.EndsWith("/" + GpuPackageVersion(), package, StringComparison.Ordinal); // the download and the pin agree
        var provider = Path.Combine(package, "runtimes", "linux-x64", "native", "libonnxruntime_providers_cuda.so");
        Assert.True(File.Exists(provider), $"{provider} is missing: the test project's PackageDownload of Microsoft.ML.OnnxRuntime.Gpu.Linux fetches it at restore");
        var needed = NeededLibraries(provider);
        var cudart = Assert.Single(needed, n => n.StartsWith("libcudart.so.", StringComparison.Ordinal));
        var linkedMajor = cudart["libcudart.so.".Length..];
        Assert.All(needed.Where(n => n.StartsWith("libcublas", StringComparison.Ordinal)), n => Assert.EndsWith(".so." + linkedMajor, n, StringComparison.Ordinal));

        var image = Assert.Single(Instructions("Dockerfile.gpu"), l => l.StartsWith("ARG CUDA_IMAGE=", StringComparison.Ordinal));
        var tag = CudaTagPattern().Match(image);
        Assert.True(tag.Success, $"'{image}' is not an nvidia/cuda:MAJOR.MINOR.PATCH-cudnn-runtime-* image");
        Assert.True(tag.Groups["major"].Value == linkedMajor, $"Dockerfile.gpu's {image} is CUDA {tag.Groups["major"].Value}, but {Path.GetFileName(provider)} {GpuPackageVersion()} links {cudart}");
    }

    /// <summary>The version of Microsoft.ML.OnnxRuntime.Gpu.Linux pinned in Directory.Packages.props.</summary>
    private static string GpuPackageVersion()
    {
        var props = DeploymentFiles.Read(Path.Combine(DeploymentFiles.Root, "Directory.Packages.props"));
        return GpuVersionPattern().Match(props) is { Success: true } m ? m.Groups["version"].Value : throw new InvalidDataException("Directory.Packages.props pins no Microsoft.ML.OnnxRuntime.Gpu.Linux version");
    }

    /// <summary>DT_NEEDED entries of a shared library, as <c>readelf -d</c> prints them (binutils; .ci/run installs it).</summary>
    private static List<string> NeededLibraries(string library)
    {
        using var readelf = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("readelf", ["-d", library]) { RedirectStandardOutput = true })!;
        var text = readelf.StandardOutput.ReadToEnd();
        readelf.WaitForExit();
        Assert.Equal(0, readelf.ExitCode);
        return [.. NeededPattern().Matches(text).Select(m => m.Groups["lib"].Value)];
    }

    [GeneratedRegex(@"\(NEEDED\)\s+Shared library: \[(?<lib>[^\]]+)\]")]
    private static partial Regex NeededPattern();

    [GeneratedRegex(@"nvidia/cuda:(?<major>\d+)\.\d+\.\d+-cudnn-runtime-")]
    private static partial Regex CudaTagPattern();

    [GeneratedRegex(@"Include=""Microsoft\.ML\.OnnxRuntime\.Gpu\.Linux"" Version=""\[(?<version>[^\]]+)\]""")]
    private static partial Regex GpuVersionPattern();

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex ContinuationPattern();
}
