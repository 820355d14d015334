using System.Globalization;

namespace Shipyard.Tests.Onnx.ModelPackages;

/// <summary>
/// A package's samples.csv: input columns plus the training framework's expected outputs
/// (<c>expected_label</c> and <c>expected_probability_&lt;label&gt;</c>, or <c>expected_value</c>).
/// The files are written by models/training with plain numbers and labels, so no quoting is expected;
/// a quote is reported as an error rather than misread.
/// </summary>
internal sealed class SamplesCsv
{
    private readonly Dictionary<string, int> _columns;
    private readonly string[][] _rows;

    private SamplesCsv(string[] header, string[][] rows)
    {
        _columns = header.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index, StringComparer.Ordinal);
        _rows = rows;
    }

    public int RowCount => _rows.Length;

    public bool HasColumn(string name) => _columns.ContainsKey(name);

    public string Text(int row, string column) => _rows[row][Index(column)];

    public double Number(int row, string column) =>
        double.Parse(Text(row, column), NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>
    /// The rows' <paramref name="features"/> as a row-major float matrix. Each value is parsed as double and
    /// then narrowed, exactly as the training code casts float64 data to the model's float32 input.
    /// </summary>
    public float[] FeatureMatrix(IReadOnlyList<string> features)
    {
        var matrix = new float[_rows.Length * features.Count];
        for (var row = 0; row < _rows.Length; row++)
        {
            for (var column = 0; column < features.Count; column++)
            {
                matrix[(row * features.Count) + column] = (float)Number(row, features[column]);
            }
        }

        return matrix;
    }

    public static SamplesCsv Load(string path)
    {
        var lines = File.ReadAllLines(path).Where(line => line.Length > 0).ToArray();
        if (lines.Length == 0)
        {
            throw new InvalidDataException($"{path} is empty.");
        }

        var header = Split(path, lines[0], 1);
        var rows = lines.Skip(1).Select((line, i) => Split(path, line, i + 2)).ToArray();
        var ragged = Array.FindIndex(rows, r => r.Length != header.Length);
        if (ragged >= 0)
        {
            throw new InvalidDataException(
                $"{path} line {ragged + 2} has {rows[ragged].Length} fields, the header has {header.Length}.");
        }

        return new SamplesCsv(header, rows);
    }

    private int Index(string column) =>
        _columns.TryGetValue(column, out var index)
            ? index
            : throw new KeyNotFoundException($"samples.csv has no column '{column}'.");

    private static string[] Split(string path, string line, int lineNumber) =>
        line.Contains('"', StringComparison.Ordinal)
            ? throw new InvalidDataException($"{path} line {lineNumber} is quoted; samples.csv holds plain values only.")
            : line.Split(',');
}
