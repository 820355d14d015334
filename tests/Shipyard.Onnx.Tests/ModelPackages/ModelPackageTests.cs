using System.Globalization;
using System.Security.Cryptography;
using Shipyard.Testing;

namespace Shipyard.Onnx.Tests.ModelPackages;

/// <summary>
/// Verifies every bundled package under models/: the manifest's sha256 is that of model.onnx, and the
/// graph run through Shipyard.Onnx (the real ONNX Runtime) reproduces scikit-learn's own outputs recorded
/// in samples.csv — labels exactly, probabilities and values within 1e-5 absolute.
/// </summary>
public class ModelPackageTests
{
    private const double Tolerance = 1e-5;
    private const int MinimumSamples = 200;

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

    [Theory]
    [MemberData(nameof(Packages))]
    public void Samples_ThroughShipyardOnnx_MatchSklearnOutputs(string id)
    {
        var package = ModelPackage.Load(RepoPaths.Models, id);
        var samples = SamplesCsv.Load(package.SamplesPath);
        Assert.True(samples.RowCount >= MinimumSamples, $"{id}: samples.csv has {samples.RowCount} rows, at least {MinimumSamples} expected.");
        Assert.Equal("float", package.InputElementType);

        var features = package.InputFeatures;
        var matrix = samples.FeatureMatrix(features);
        using var session = InferenceSession.Create(package.ModelPath, package.SessionOptions);
        using var input = OrtValue.CreateTensor<float>(matrix, [samples.RowCount, features.Count]);

        if (package.IsClassifier)
        {
            VerifyClassifier(package, samples, session, input);
        }
        else
        {
            VerifyRegressor(package, samples, session, input);
        }
    }

    private static void VerifyClassifier(ModelPackage package, SamplesCsv samples, InferenceSession session, OrtValue input)
    {
        var labelOutput = package.LabelOutput ?? throw new InvalidDataException($"{package.Name}: manifest has no label output.");
        var probabilitiesOutput = package.ProbabilitiesOutput ?? throw new InvalidDataException($"{package.Name}: manifest has no probabilities output.");
        Assert.NotEmpty(package.Labels);

        using var results = session.Run([new NamedOrtValue(package.InputName, input)], [labelOutput, probabilitiesOutput]);
        var classIds = results[labelOutput].ToArray<long>();
        var probabilities = ReadProbabilities(results[probabilitiesOutput], samples.RowCount, package.Labels.Count);

        Assert.Equal(samples.RowCount, classIds.Length);
        var labelMismatches = Enumerable.Range(0, samples.RowCount)
            .Where(row => package.Labels[(int)classIds[row]] != samples.Text(row, "expected_label"))
            .Select(row => $"samples.csv line {row + 2}: sklearn '{samples.Text(row, "expected_label")}', onnx '{package.Labels[(int)classIds[row]]}'")
            .ToList();
        Assert.True(labelMismatches.Count == 0, $"{package.Name}/{package.Version} labels differ: {string.Join("; ", labelMismatches.Take(5))}");

        var worst = (Error: 0.0, Row: -1, Label: "");
        for (var row = 0; row < samples.RowCount; row++)
        {
            for (var classId = 0; classId < package.Labels.Count; classId++)
            {
                var label = package.Labels[classId];
                var error = Math.Abs(probabilities[row, classId] - samples.Number(row, $"expected_probability_{label}"));
                if (error > worst.Error)
                {
                    worst = (error, row, label);
                }
            }
        }

        Assert.True(
            worst.Error <= Tolerance,
            $"{package.Name}/{package.Version}: probability of '{worst.Label}' on samples.csv line {worst.Row + 2} is off by {worst.Error.ToString("G3", CultureInfo.InvariantCulture)}.");
    }

    private static void VerifyRegressor(ModelPackage package, SamplesCsv samples, InferenceSession session, OrtValue input)
    {
        var valueOutput = package.ValueOutput ?? throw new InvalidDataException($"{package.Name}: manifest has no value output.");

        using var results = session.Run([new NamedOrtValue(package.InputName, input)], [valueOutput]);
        var value = results[valueOutput];
        double[] values = value.ElementType switch
        {
            TensorElementType.Double => value.ToArray<double>(),
            TensorElementType.Float => [.. value.ToArray<float>().Select(v => (double)v)],
            var other => throw new InvalidDataException($"{package.Name}: value output '{valueOutput}' is {other}, expected float or double."),
        };

        Assert.Equal(samples.RowCount, values.Length);
        var worst = Enumerable.Range(0, samples.RowCount)
            .Select(row => (Error: Math.Abs(values[row] - samples.Number(row, "expected_value")), Row: row))
            .MaxBy(e => e.Error);
        Assert.True(
            worst.Error <= Tolerance,
            $"{package.Name}/{package.Version}: value on samples.csv line {worst.Row + 2} is off by {worst.Error.ToString("G3", CultureInfo.InvariantCulture)}.");
    }

    /// <summary>Probabilities as [row, classId], from a float tensor [N, classes] or ZipMap's seq(map(int64, float)).</summary>
    private static double[,] ReadProbabilities(OrtValue output, int rows, int classes)
    {
        var probabilities = new double[rows, classes];
        if (output.ValueType == OrtValueType.Tensor)
        {
            Assert.Equal([rows, (long)classes], output.Shape.ToArray());
            var data = output.GetTensorData<float>();
            for (var row = 0; row < rows; row++)
            {
                for (var classId = 0; classId < classes; classId++)
                {
                    probabilities[row, classId] = data[(row * classes) + classId];
                }
            }

            return probabilities;
        }

        var perRow = output.ReadSequenceOfMaps<long, float>();
        Assert.Equal(rows, perRow.Count);
        for (var row = 0; row < rows; row++)
        {
            Assert.Equal(Enumerable.Range(0, classes).Select(c => (long)c), perRow[row].Keys.Order());
            for (var classId = 0; classId < classes; classId++)
            {
                probabilities[row, classId] = perRow[row][classId];
            }
        }

        return probabilities;
    }
}
