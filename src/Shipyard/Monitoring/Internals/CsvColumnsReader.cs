using System.Globalization;
using Shipyard.Monitoring.Drift;
using Shipyard.Monitoring.Statistics;

namespace Shipyard.Monitoring.Internals;

/// <summary>
/// Reads a CSV file column-wise into a <see cref="FeatureTable"/>: RFC 4180 (comma separator, double-quoted
/// fields with "" escapes, quoted line breaks), header row required, LF or CRLF line ends, UTF-8.
/// </summary>
internal static class CsvColumnsReader
{
    /// <summary>The table, and the undeclared columns that held text (read as NaN in this pass).</summary>
    public sealed record Result(FeatureTable Table, IReadOnlyCollection<string> NonNumeric);

    public static Result Read(string path, IReadOnlySet<string> categorical)
    {
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var fields = new List<string>();
        var lineNumber = 0;
        if (!ReadRecord(reader, fields, ref lineNumber))
        {
            throw new InvalidDataException($"{path} is empty; a header row with the column names is required.");
        }

        var names = fields.Select(f => f.Trim()).ToArray();
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
        while (ReadRecord(reader, fields, ref lineNumber))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // blank line
            }

            if (fields.Count != names.Length)
            {
                throw new InvalidDataException($"{path}, line {lineNumber}: {fields.Count} cells, but the header has {names.Length} columns.");
            }

            for (var c = 0; c < names.Length; c++)
            {
                var cell = fields[c];
                if (isCategorical[c])
                {
                    strings[c].Add(CategoryCounts.IsMissing(cell) ? null : cell.Trim());
                }
                else
                {
                    numbers[c].Add(ParseNumber(cell, names[c], nonNumeric));
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

    private static double ParseNumber(string cell, string column, HashSet<string> nonNumeric)
    {
        var span = cell.AsSpan().Trim();
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

    // Reads one record into fields; false at end of input. Quoted fields may span lines.
    private static bool ReadRecord(TextReader reader, List<string> fields, ref int lineNumber)
    {
        fields.Clear();
        var line = reader.ReadLine();
        if (line is null)
        {
            return false;
        }

        lineNumber++;
        if (!line.Contains('"', StringComparison.Ordinal))
        {
            var start = 0;
            while (true)
            {
                var comma = line.IndexOf(',', start);
                if (comma < 0)
                {
                    fields.Add(line[start..]);
                    return true;
                }

                fields.Add(line[start..comma]);
                start = comma + 1;
            }
        }

        var builder = new System.Text.StringBuilder();
        var inQuotes = false;
        var position = 0;
        while (true)
        {
            if (position >= line.Length)
            {
                if (!inQuotes)
                {
                    fields.Add(builder.ToString());
                    return true;
                }

                var next = reader.ReadLine() ?? throw new InvalidDataException($"Line {lineNumber}: a quoted field is not closed before the end of the file.");
                lineNumber++;
                builder.Append('\n');
                line = next;
                position = 0;
                continue;
            }

            var ch = line[position++];
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (position < line.Length && line[position] == '"')
                    {
                        builder.Append('"');
                        position++;
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    builder.Append(ch);
                }
            }
            else if (ch == '"')
            {
                inQuotes = true;
            }
            else if (ch == ',')
            {
                fields.Add(builder.ToString());
                builder.Clear();
            }
            else
            {
                builder.Append(ch);
            }
        }
    }
}
