using System.Globalization;
using System.Runtime.CompilerServices;
using Shipyard.Storage;

namespace Shipyard.Monitoring.Internals;

/// <summary>
/// Blobs kept in hour folders, <c>{prefix}{yyyy}/{MM}/{dd}/{HH}/…</c> (the prediction log, the outcomes): the ones of the
/// hours from <c>firstHour</c> to <c>lastHour</c>, found with one listing per day folder — a 7-day window is 8 listings,
/// not 169, and not a listing of all history (only a window of months, or an open start, lists the prefix once).
/// </summary>
internal static class HourPartitions
{
    /// <summary>The most day folders listed one by one; a longer window lists the prefix once.</summary>
    private const int MaxDayListings = 62;

    /// <summary>The hour <paramref name="time"/> falls in (UTC, minutes and below cut).</summary>
    public static DateTimeOffset HourOf(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    /// <summary>Every blob under <paramref name="prefix"/> in the hour folders [<paramref name="firstHour"/>,
    /// <paramref name="lastHour"/>] (both the starts of whole hours): day folder by day folder, each in listing order; for a
    /// window over <see cref="MaxDayListings"/> days (an open-ended one, say), one listing of the whole prefix instead.</summary>
    /// <exception cref="BlobNotFoundException">The container does not exist.</exception>
    public static async IAsyncEnumerable<string> ListAsync(
        IBlobStore store, string container, string prefix, DateTimeOffset firstHour, DateTimeOffset lastHour, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (lastHour < firstHour)
        {
            yield break;
        }

        // A long window (an open-ended one, say) lists the prefix once; a usual one each of its day folders.
        IEnumerable<string> listings = (lastHour - firstHour).TotalDays > MaxDayListings
            ? [prefix]
            : DaysOf(firstHour, lastHour).Select(day => string.Create(CultureInfo.InvariantCulture, $"{prefix}{day:yyyy}/{day:MM}/{day:dd}/"));
        foreach (var listing in listings)
        {
            await foreach (var blob in store.ListAsync(container, listing, cancellationToken).ConfigureAwait(false))
            {
                if (Hour(blob.Name.AsSpan(prefix.Length)) is { } hour && hour >= firstHour && hour <= lastHour)
                {
                    yield return blob.Name;
                }
            }
        }
    }

    private static IEnumerable<DateTimeOffset> DaysOf(DateTimeOffset firstHour, DateTimeOffset lastHour)
    {
        for (var day = new DateTimeOffset(firstHour.Year, firstHour.Month, firstHour.Day, 0, 0, 0, TimeSpan.Zero); day <= lastHour; day = day.AddDays(1))
        {
            yield return day;
        }
    }

    // The hour of a name's "{yyyy}/{MM}/{dd}/{HH}/…" (after the prefix), or null for anything else.
    private static DateTimeOffset? Hour(ReadOnlySpan<char> name) =>
        name.Length > 14 && name[4] == '/' && name[7] == '/' && name[10] == '/' && name[13] == '/'
        && DateTime.TryParseExact(string.Concat(name[..4], name[5..7], name[8..10], name[11..13]), "yyyyMMddHH", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var hour)
            ? new DateTimeOffset(hour, TimeSpan.Zero)
            : null;
}
