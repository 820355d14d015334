using System.Security.Cryptography;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Onnx.ModelPackages;

/// <summary>
/// Verifies every bundled package under models/: the manifest's sha256 is that of model.onnx and the manifest names
/// its folder. That the samples score to scikit-learn's own outputs, through every scoring path, is
/// <see cref="Shipyard.Tests.Scoring.SamplePredictionTests"/>.
/// </summary>
public class ModelPackageTests
{
    public static TheoryData<string> Packages() => [.. ModelPackage.Discover(RepoPaths.Models)];

    [Fact]
    public void Discover_FindsEveryBundledPackage()
    {
        var found = ModelPackage.Discover(RepoPaths.Models);

        Assert.Subset(found.ToHashSet(), new HashSet<string> { "breast-cancer/1", "breast-cancer/2", "diabetes/1", "digits/1" });
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void ModelOnnx_HasTheManifestSha256(string id)
    {
        var package = ModelPackage.Load(RepoPaths.Models, id);

        var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(package.ModelPath)));

        Assert.Equal(package.Sha256, actual);
    }

    [Theory]
    [MemberData(nameof(Packages))]
    public void Manifest_NamesThePackageFolder(string id)
    {
        var package = ModelPackage.Load(RepoPaths.Models, id);

        Assert.Equal(id, $"{package.Name}/{package.Version}");
    }
}
