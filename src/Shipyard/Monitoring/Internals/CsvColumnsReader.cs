using System.Globalization;
using Shipyard.Batch;
using Shipyard.Monitoring.Drift;
using Shipyard.Monitoring.Statistics;

namespace Shipyard.Monitoring.Internals;

/// <summary>
/// Reads a CSV file column-wise into a <see cref="FeatureTable"/> through Shipyard's one CSV reader
/// (<see cref="CsvReader"/>: RFC 4180, comma separator, double-quoted fields with "" escapes, quoted line breaks, LF or
/// CRLF line ends, UTF-8 with or without a byte order mark, blank lines skipped); a header row is required.
/// </summary>
internal static class CsvColumnsReader
{
    /// <summary>The table, and the undeclared columns that held text (read as NaN in this pass).</summary>
    public sealed record Result(FeatureTable Table, IReadOnlyCollection<string> NonNumeric);

    public static Result Read(string path, IReadOnlySet<string> categorical)
    {
        try
        {
            using var reader = new CsvReader(File.OpenRead(path));
            return Read(path, reader, categorical);
        }
        catch (CsvFormatException e)
        {
            throw new InvalidDataException($"{path} is not readable CSV: {e.Message}", e);
        }
    }

    private static Result Read(string path, CsvReader reader, IReadOnlySet<string> categorical)
    {
        if (!reader.Read())
        {
            throw new InvalidDataException($"{path} is empty; a header row with the column names is required.");
        }

        var names = Fields(path, reader).Select(f => f.Trim()).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i].Length == 0)
            {
                throw new InvalidDataException($"{path}: column {i + 1} of the header has no name.");
            }

            if (!seen.Add(names[i]))
            {
                throw new InvalidDataException($"{path}: column '{names[i]}' appears twice in the header.");
            }
        }

        foreach (var name in categorical)
        {
            if (!seen.Contains(name))
            {
                throw new InvalidDataException($"{path} has no column '{name}' (named as categorical). Columns: {string.Join(", ", names)}.");
            }
        }

        var isCategorical = names.Select(categorical.Contains).ToArray();
        var numbers = names.Select(_ => new List<double>()).ToArray();
        var strings = names.Select(_ => new List<string?>()).ToArray();
        var nonNumeric = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            ThrowIfMalformed(path, reader);
            if (reader.FieldCount != names.Length)
            {
                throw new InvalidDataException($"{path}, line {reader.LineNumber}: {reader.FieldCount} cells, but the header has {names.Length} columns.");
            }

            for (var c = 0; c < names.Length; c++)
            {
                if (isCategorical[c])
                {
                    var cell = reader.GetField(c).ToString();
                    strings[c].Add(CategoryCounts.IsMissing(cell) ? null : cell.Trim());
                }
                else
                {
                    numbers[c].Add(ParseNumber(reader.GetField(c), names[c], nonNumeric));
                }
            }
        }

        var table = new FeatureTable();
        for (var c = 0; c < names.Length; c++)
        {
            if (isCategorical[c])
            {
                table.AddCategorical(names[c], [.. strings[c]]);
            }
            else
            {
                table.AddNumeric(names[c], [.. numbers[c]]);
            }
        }

        return new Result(table, nonNumeric);
    }

    private static void ThrowIfMalformed(string path, CsvReader reader)
    {
        if (reader.RecordError is { } error)
        {
            throw new InvalidDataException($"{path}, line {reader.LineNumber}: {error}");
        }
    }

    private static string[] Fields(string path, CsvReader reader)
    {
        ThrowIfMalformed(path, reader);

        var fields = new string[reader.FieldCount];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = reader.GetField(i).ToString();
        }

        return fields;
    }

    private static double ParseNumber(ReadOnlySpan<char> cell, string column, HashSet<string> nonNumeric)
    {
        var span = cell.Trim();
        if (span.IsEmpty)
        {
            return double.NaN;
        }

        if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        if (span.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            return double.NaN;
        }

        nonNumeric.Add(column);
        return double.NaN;
    }
}
