using System.Globalization;
using System.Text;
using Shipyard.Storage;

namespace Shipyard.Monitoring.Reports;

/// <summary>
/// Writes a report as the drift and evaluation checks keep them: <c>{folder}/{yyyyMMddTHHmmssfffZ}.html</c>, then the
/// <c>.json</c> beside it (the JSON last, so a reader that finds the JSON finds its page too). Names sort by time.
/// </summary>
internal static class ReportBlobs
{
    /// <summary>Writes the page and the JSON of a report made at <paramref name="time"/>; returns the JSON's blob name.</summary>
    public static async Task<string> WriteAsync(IBlobStore store, string container, string folder, DateTimeOffset time, string html, byte[] json, CancellationToken cancellationToken)
    {
        var stem = string.Create(CultureInfo.InvariantCulture, $"{folder}/{time.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}");
        await store.CreateContainerIfNotExistsAsync(container, cancellationToken).ConfigureAwait(false);
        await store.UploadAsync(container, stem + ".html", Encoding.UTF8.GetBytes(html), new BlobUploadOptions { ContentType = "text/html; charset=utf-8" }, cancellationToken).ConfigureAwait(false);
        await store.UploadAsync(container, stem + ".json", json, new BlobUploadOptions { ContentType = "application/json" }, cancellationToken).ConfigureAwait(false);
        return stem + ".json";
    }
}
