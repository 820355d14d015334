using NCrontab;

namespace Shipyard.Monitoring;

/// <summary>
/// The drift check's schedule: a six-field NCRONTAB expression, as the Functions timer trigger reads <c>DRIFT_SCHEDULE</c>:
/// <c>{second} {minute} {hour} {day} {month} {day-of-week}</c>
/// (https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions), parsed and
/// evaluated by NCrontab 3.4 (the library the Functions host uses) with seconds, so the standalone scheduler fires when
/// the timer trigger would. Times are UTC (Linux Consumption and Flex plans have no WEBSITE_TIME_ZONE). Immutable and
/// thread-safe.
/// </summary>
public sealed class TimerSchedule
{
    // Searching further than this finds nothing a valid expression could still produce (leap days repeat within 8 years).
    private const int SearchYears = 9;
    private static readonly CrontabSchedule.ParseOptions WithSeconds = new() { IncludingSeconds = true };

    private readonly CrontabSchedule _schedule;

    private TimerSchedule(string expression, CrontabSchedule schedule)
    {
        Expression = expression;
        _schedule = schedule;
    }

    /// <summary>The expression as given.</summary>
    public string Expression { get; }

    /// <summary>Parses <paramref name="expression"/>.</summary>
    /// <exception cref="FormatException">The expression is not a valid six-field NCRONTAB, or never occurs; the message quotes it and says why.</exception>
    public static TimerSchedule Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 6)
        {
            throw new FormatException(
                $"NCRONTAB '{expression}' has {parts.Length} field(s); expected 6: {{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}, e.g. \"0 0 * * * *\" (hourly).");
        }

        CrontabSchedule parsed;
        try
        {
            parsed = CrontabSchedule.Parse(expression, WithSeconds);
        }
        catch (CrontabException e)
        {
            throw new FormatException($"NCRONTAB '{expression}': {e.Message}", e);
        }

        var schedule = new TimerSchedule(expression, parsed);
        var start = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var end = start.AddYears(SearchYears);
        if (parsed.GetNextOccurrence(start, end) >= end)
        {
            throw new FormatException($"NCRONTAB '{expression}' never occurs: no selected month has the selected day.");
        }

        return schedule;
    }

    /// <summary>Parses <paramref name="expression"/>, or returns false with the reason in <paramref name="error"/>.</summary>
    public static bool TryParse(string expression, out TimerSchedule? schedule, out string? error)
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
        var from = new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, utc.Second, DateTimeKind.Utc);
        var end = from.AddYears(SearchYears);
        var next = _schedule.GetNextOccurrence(from, end);
        if (next >= end)
        {
            throw new InvalidOperationException($"NCRONTAB '{Expression}' has no occurrence within {SearchYears} years after {after:O}.");
        }

        return new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc), TimeSpan.Zero);
    }

    /// <inheritdoc />
    public override string ToString() => Expression;
}
