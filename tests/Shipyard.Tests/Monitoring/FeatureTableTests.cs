using Shipyard.Monitoring.Drift;
using Xunit;

namespace Shipyard.Tests.Monitoring;

public sealed class FeatureTableTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("shipyard-table-").FullName;

    [Fact]
    public void ReadCsv_QuotedFieldsAndMissing_ParsedPerRfc4180()
    {
        var path = Write("a,b\n1.5,\"x, \"\"y\"\"\"\n,NaN\nnan,\"multi\nline\"\n");

        var table = FeatureTable.ReadCsv(path);

        Assert.Equal(["a", "b"], table.Names);
        Assert.Equal(3, table.RowCount);
        Assert.Equal(1.5, table.Numbers("a")[0]);
        Assert.True(double.IsNaN(table.Numbers("a")[1]) && double.IsNaN(table.Numbers("a")[2]));
        Assert.Equal(["x, \"y\"", null, "multi\nline"], table.Categories("b"));
    }

    [Fact]
    public void ReadCsv_DuplicateHeader_Throws()
    {
        var path = Write("a,a\n1,2\n");

        var error = Assert.Throws<InvalidDataException>(() => FeatureTable.ReadCsv(path));

        Assert.Equal($"{path}: column 'a' appears twice in the header.", error.Message);
    }

    [Fact]
    public void ReadCsv_UnknownCategoricalColumn_Throws()
    {
        var path = Write("a\n1\n");

        var error = Assert.Throws<InvalidDataException>(() => FeatureTable.ReadCsv(path, ["z"]));

        Assert.Equal($"{path} has no column 'z' (named as categorical). Columns: a.", error.Message);
    }

    [Fact]
    public void ReadCsv_EmptyFile_Throws()
    {
        var path = Write(string.Empty);

        var error = Assert.Throws<InvalidDataException>(() => FeatureTable.ReadCsv(path));

        Assert.Equal($"{path} is empty; a header row with the column names is required.", error.Message);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string contents)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, contents);
        return path;
    }
}
