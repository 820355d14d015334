using Shipyard.Monitoring.Internals;

namespace Shipyard.Monitoring.Drift;

/// <summary>
/// Columns of a dataset held for drift computation: numeric columns as <see cref="double"/> arrays (NaN =
/// missing) and categorical columns as strings (null = missing). Built from CSV by <see cref="ReadCsv"/> or
/// column by column (for example from prediction logs).
/// </summary>
public sealed class FeatureTable
{
    private readonly Dictionary<string, double[]> _numbers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?[]> _categories = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];

    /// <summary>Column names in order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Number of rows.</summary>
    public int RowCount { get; private set; } = -1;

    /// <summary>True when the table has a column of that name.</summary>
    public bool Contains(string name) => _numbers.ContainsKey(name) || _categories.ContainsKey(name);

    /// <summary>True when the column holds categories.</summary>
    public bool IsCategorical(string name) => _categories.ContainsKey(name);

    /// <summary>Values of a numeric column (NaN = missing).</summary>
    /// <exception cref="KeyNotFoundException">No numeric column of that name.</exception>
    public double[] Numbers(string name) => _numbers.TryGetValue(name, out var values)
        ? values
        : throw new KeyNotFoundException($"No numeric column '{name}'.");

    /// <summary>Values of a categorical column (null = missing).</summary>
    /// <exception cref="KeyNotFoundException">No categorical column of that name.</exception>
    public IReadOnlyList<string?> Categories(string name) => _categories.TryGetValue(name, out var values)
        ? values
        : throw new KeyNotFoundException($"No categorical column '{name}'.");

    /// <summary>Adds a numeric column; every column must have the same number of rows.</summary>
    public void AddNumeric(string name, double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        AddName(name, values.Length);
        _numbers[name] = values;
    }

    /// <summary>Adds a categorical column; every column must have the same number of rows.</summary>
    public void AddCategorical(string name, string?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        AddName(name, values.Length);
        _categories[name] = values;
    }

    /// <summary>
    /// Reads a CSV file with a header row (RFC 4180 quoting, comma separated, invariant-culture numbers).
    /// Columns in <paramref name="categorical"/> are read as strings; any other column in which a non-missing
    /// cell is not a number becomes categorical too. Empty cells and "NaN" (any case) are missing.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is empty, has duplicate or empty column names, a row
    /// has the wrong number of cells, or a declared categorical column does not exist.</exception>
    public static FeatureTable ReadCsv(string path, IEnumerable<string>? categorical = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var declared = new HashSet<string>(categorical ?? [], StringComparer.Ordinal);
        var result = CsvColumnsReader.Read(path, declared);
        if (result.NonNumeric.Count > 0)
        {
            // A column turned out to hold text: read again with it as categorical (the first pass kept only numbers).
            declared.UnionWith(result.NonNumeric);
            result = CsvColumnsReader.Read(path, declared);
        }

        return result.Table;
    }

    private void AddName(string name, int rows)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Contains(name))
        {
            throw new InvalidDataException($"Column '{name}' appears twice.");
        }

        if (RowCount >= 0 && rows != RowCount)
        {
            throw new InvalidDataException($"Column '{name}' has {rows} rows; the table has {RowCount}.");
        }

        RowCount = rows;
        _names.Add(name);
    }
}
