using System.Globalization;

namespace Shipyard.Monitoring;

/// <summary>
/// A six-field NCRONTAB expression, as the Functions timer trigger reads <c>DRIFT_SCHEDULE</c>:
/// <c>{second} {minute} {hour} {day} {month} {day-of-week}</c>
/// (https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions).
/// Each field is <c>*</c>, a value, a range <c>a-b</c>, a step <c>*/n</c>, <c>a-b/n</c> or <c>a/n</c> (from a to the
/// field's maximum), or a comma list of these. Months accept <c>Jan</c>..<c>Dec</c>, days of week <c>Sun</c>..<c>Sat</c>
/// (0 = Sunday; 7 is also Sunday). Times are UTC (Linux Consumption and Flex plans have no WEBSITE_TIME_ZONE).
/// </summary>
/// <remarks>
/// Day and day-of-week must both match (NCrontab's rule, which the Functions host uses; classic cron ORs them when
/// both are restricted). Immutable and thread-safe.
/// </remarks>
public sealed class NcrontabSchedule
{
    private static readonly string[] FieldNames = ["second", "minute", "hour", "day", "month", "day-of-week"];
    private static readonly (int Min, int Max)[] FieldRanges = [(0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
    private static readonly string[] MonthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    // Searching further than this finds nothing a valid expression could still produce (leap days repeat within 8 years).
    private const int SearchYears = 9;

    private readonly bool[][] _fields;

    private NcrontabSchedule(string expression, bool[][] fields)
    {
        Expression = expression;
        _fields = fields;
    }

    /// <summary>The expression as given.</summary>
    public string Expression { get; }

    /// <summary>Parses <paramref name="expression"/>.</summary>
    /// <exception cref="FormatException">The expression is not a valid six-field NCRONTAB, or never occurs; the message names the field and value.</exception>
    public static NcrontabSchedule Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 6)
        {
            throw new FormatException(
                $"NCRONTAB '{expression}' has {parts.Length} field(s); expected 6: {{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}, e.g. \"0 0 * * * *\" (hourly).");
        }

        var fields = new bool[6][];
        for (var i = 0; i < 6; i++)
        {
            fields[i] = ParseField(expression, i, parts[i]);
        }

        // 7 is Sunday too.
        fields[5][0] |= fields[5][7];
        var schedule = new NcrontabSchedule(expression, fields);
        if (!schedule.CanOccur())
        {
            throw new FormatException($"NCRONTAB '{expression}' never occurs: no selected month has the selected day.");
        }

        return schedule;
    }

    /// <summary>Parses <paramref name="expression"/>, or returns false with the reason in <paramref name="error"/>.</summary>
    public static bool TryParse(string expression, out NcrontabSchedule? schedule, out string? error)
    {
        try
        {
            schedule = Parse(expression);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            schedule = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> (UTC, whole seconds).</summary>
    /// <exception cref="InvalidOperationException">No occurrence within the next nine years.</exception>
    public DateTimeOffset GetNextOccurrence(DateTimeOffset after)
    {
        var utc = after.UtcDateTime;
        var start = new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, utc.Second, DateTimeKind.Utc).AddSeconds(1);
        var firstDay = start.Date;
        var lastDay = firstDay.AddYears(SearchYears);
        for (var day = firstDay; day < lastDay; day = day.AddDays(1))
        {
            if (!_fields[4][day.Month] || !_fields[3][day.Day] || !_fields[5][(int)day.DayOfWeek])
            {
                continue;
            }

            var from = day == firstDay ? (int)start.TimeOfDay.TotalSeconds : 0;
            if (FirstSecondOfDay(from) is { } second)
            {
                return new DateTimeOffset(day.AddSeconds(second), TimeSpan.Zero);
            }
        }

        throw new InvalidOperationException($"NCRONTAB '{Expression}' has no occurrence within {SearchYears} years after {after:O}.");
    }

    /// <inheritdoc />
    public override string ToString() => Expression;

    private int? FirstSecondOfDay(int from)
    {
        for (var h = from / 3600; h < 24; h++)
        {
            if (!_fields[2][h])
            {
                continue;
            }

            for (var m = 0; m < 60; m++)
            {
                if (!_fields[1][m] || (h * 3600) + (m * 60) + 59 < from)
                {
                    continue;
                }

                for (var s = 0; s < 60; s++)
                {
                    var total = (h * 3600) + (m * 60) + s;
                    if (_fields[0][s] && total >= from)
                    {
                        return total;
                    }
                }
            }
        }

        return null;
    }

    private bool CanOccur()
    {
        for (var month = 1; month <= 12; month++)
        {
            if (!_fields[4][month])
            {
                continue;
            }

            var days = DateTime.DaysInMonth(2024, month); // a leap year: 29 February can occur
            for (var day = 1; day <= days; day++)
            {
                if (_fields[3][day])
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool[] ParseField(string expression, int index, string text)
    {
        var (min, max) = FieldRanges[index];
        var set = new bool[max + 1];
        foreach (var item in text.Split(','))
        {
            if (item.Length == 0)
            {
                throw Invalid(expression, index, text, "an empty list item");
            }

            var slash = item.IndexOf('/', StringComparison.Ordinal);
            var rangeText = slash < 0 ? item : item[..slash];
            var step = 1;
            if (slash >= 0 && (!int.TryParse(item[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1))
            {
                throw Invalid(expression, index, text, $"step '{item[(slash + 1)..]}' is not a positive whole number");
            }

            int low, high;
            if (rangeText == "*")
            {
                (low, high) = (min, index == 5 ? 6 : max);
            }
            else
            {
                var dash = rangeText.IndexOf('-', StringComparison.Ordinal);
                low = Value(expression, index, text, dash < 0 ? rangeText : rangeText[..dash]);
                high = dash >= 0 ? Value(expression, index, text, rangeText[(dash + 1)..]) : slash >= 0 ? max : low;
                if (low > high)
                {
                    throw Invalid(expression, index, text, $"range '{rangeText}' runs backwards");
                }
            }

            for (var v = low; v <= high; v += step)
            {
                set[v] = true;
            }
        }

        return set;
    }

    private static int Value(string expression, int index, string field, string text)
    {
        var (min, max) = FieldRanges[index];
        int value;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            value = number;
        }
        else if (index == 4 && Array.IndexOf(MonthNames, text.ToLowerInvariant()) is var month and >= 0)
        {
            value = month + 1;
        }
        else if (index == 5 && Array.IndexOf(DayNames, text.ToLowerInvariant()) is var day and >= 0)
        {
            value = day;
        }
        else
        {
            throw Invalid(expression, index, field, $"'{text}' is not a number{(index == 4 ? " or month name" : index == 5 ? " or day name" : string.Empty)}");
        }

        if (value < min || value > max)
        {
            throw Invalid(expression, index, field, $"{value} is outside {min}-{max}");
        }

        return value;
    }

    private static FormatException Invalid(string expression, int index, string field, string reason) =>
        new($"NCRONTAB '{expression}': {FieldNames[index]} field '{field}': {reason}.");
}
