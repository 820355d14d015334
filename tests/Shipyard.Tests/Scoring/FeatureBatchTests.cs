using System.Text.Json.Nodes;
using Shipyard.Models;
using Shipyard.Scoring;
using Shipyard.Tests.Models;
using Xunit;

namespace Shipyard.Tests.Scoring;

/// <summary>
/// The row-major storage of <see cref="FeatureBatch"/> with features of all three types: values and missing cells
/// survive growing, concatenation, remapping to another manifest and packing into tensors in any feature order.
/// </summary>
public sealed class FeatureBatchTests
{
    private static readonly ModelManifest Manifest = TestManifests.Parse(TestManifests.Classifier()); // a: float, b: int, c: string

    [Fact]
    public void Rows_KeepTheirValuesAndMissingCells_AcrossGrowth()
    {
        var batch = Fill(Manifest, rows: 40, capacity: 1);

        Assert.Equal(40, batch.Count);
        for (var row = 0; row < 40; row++)
        {
            AssertRow(batch, row, row);
        }
    }

    [Fact]
    public void Concat_ListsEveryPartsRowsInOrder()
    {
        var parts = new[] { Fill(Manifest, 3, offset: 0), Fill(Manifest, 1, offset: 3), Fill(Manifest, 5, offset: 4) };

        var joined = FeatureBatch.Concat(parts);

        Assert.Equal(9, joined.Count);
        for (var row = 0; row < 9; row++)
        {
            AssertRow(joined, row, row);
        }
    }

    [Fact]
    public void Pack_WritesTheAskedFeaturesRowMajor_NaNOrDefaultWhenMissing()
    {
        var batch = Fill(Manifest, 10);
        int[] order = [1, 0]; // b then a, as an ONNX input may list them

        var floats = new float[6];
        batch.PackFloat(order, start: 4, count: 3, floats);
        var doubles = new double[6];
        batch.PackDouble(order, start: 4, count: 3, doubles);
        var longs = new long[3];
        batch.PackInt64([1], start: 4, count: 3, longs);
        var strings = new string[3];
        batch.PackString([2], start: 4, count: 3, strings);

        for (var r = 0; r < 3; r++)
        {
            var row = 4 + r;
            Assert.Equal(ExpectedB(row) ?? float.NaN, floats[2 * r]);
            Assert.Equal((float)(ExpectedA(row) ?? double.NaN), floats[(2 * r) + 1]);
            Assert.Equal(ExpectedB(row) ?? double.NaN, doubles[2 * r]);
            Assert.Equal(ExpectedA(row) ?? double.NaN, doubles[(2 * r) + 1]);
            Assert.Equal(ExpectedB(row) ?? 0, longs[r]);
            Assert.Equal(ExpectedC(row) ?? string.Empty, strings[r]);
        }
    }

    [Fact]
    public void Remap_TakesEachTargetFeatureByName()
    {
        var node = TestManifests.Classifier();
        var features = node["features"]!.AsArray();
        var c = features[2]!.DeepClone();
        var a = features[0]!.DeepClone();
        node["features"] = new JsonArray(c, a); // other order, b dropped
        node["onnx"]!["inputs"] = new JsonArray(
            new JsonObject { ["name"] = "num", ["elementType"] = "float", ["features"] = new JsonArray("a") },
            new JsonObject { ["name"] = "cat", ["elementType"] = "string", ["features"] = new JsonArray("c") });
        var target = TestManifests.Parse(node);
        var batch = Fill(Manifest, 7);

        var remapped = batch.Remap(target);

        Assert.NotNull(remapped);
        Assert.Equal(7, remapped.Count);
        for (var row = 0; row < 7; row++)
        {
            Assert.Equal(ExpectedC(row), remapped.GetString(row, 0));
            Assert.Equal(ExpectedA(row) ?? double.NaN, remapped.GetNumber(row, 1));
            Assert.Equal(ExpectedA(row) is not null, remapped.IsPresent(row, 1));
        }
    }

    [Fact]
    public void Remap_IsNullWhenAFeatureChangedType()
    {
        var node = TestManifests.Classifier();
        node["features"]![1]!["type"] = "float";

        Assert.Null(Fill(Manifest, 2).Remap(TestManifests.Parse(node)));
    }

    // Row r holds a = r + 0.5 (missing every 3rd row), b = 10 r (missing every 4th), c = "x"/"y" (missing every 5th).
    private static double? ExpectedA(int row) => row % 3 == 2 ? null : row + 0.5;

    private static long? ExpectedB(int row) => row % 4 == 3 ? null : 10L * row;

    private static string? ExpectedC(int row) => row % 5 == 4 ? null : row % 2 == 0 ? "x" : "y";

    private static FeatureBatch Fill(ModelManifest manifest, int rows, int capacity = 16, int offset = 0)
    {
        var batch = new FeatureBatch(manifest, capacity);
        for (var i = 0; i < rows; i++)
        {
            var row = batch.AddRow();
            var n = offset + i;
            if (ExpectedA(n) is { } a)
            {
                batch.SetNumber(row, 0, a);
            }

            if (ExpectedB(n) is { } b)
            {
                batch.SetInteger(row, 1, b);
            }

            if (ExpectedC(n) is { } c)
            {
                batch.SetString(row, 2, c);
            }
        }

        return batch;
    }

    private static void AssertRow(FeatureBatch batch, int row, int n)
    {
        Assert.Equal(ExpectedA(n) is not null, batch.IsPresent(row, 0));
        Assert.Equal(ExpectedA(n) ?? double.NaN, batch.GetNumber(row, 0));
        Assert.Equal(ExpectedB(n) is not null, batch.IsPresent(row, 1));
        Assert.Equal(ExpectedB(n) ?? 0, batch.GetInteger(row, 1));
        Assert.Equal(ExpectedC(n) is not null, batch.IsPresent(row, 2));
        Assert.Equal(ExpectedC(n), batch.GetString(row, 2));
    }
}
