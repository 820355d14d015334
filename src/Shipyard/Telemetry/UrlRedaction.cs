using System.Text;

namespace Shipyard.Telemetry;

/// <summary>
/// The one way a configured or requested URL is written to a log or to telemetry. URLs carry secrets in three places:
/// user information (<c>user:password@</c>), query values (a function key as <c>?code=</c>, a SAS <c>?sig=</c>, a
/// webhook <c>?token=</c>) and, for webhooks such as Slack's or Teams', the path itself. What is kept (scheme, host,
/// port, the query's parameter names) is enough to tell which endpoint failed; every secret-bearing part becomes
/// <see cref="Mask"/>. The fragment is dropped (it never leaves the client anyway).
/// </summary>
public static class UrlRedaction
{
    /// <summary>What replaces a secret-bearing part.</summary>
    public const string Mask = "***";

    /// <summary>
    /// <paramref name="url"/> with its user information and every query value masked (parameter names kept, a bare
    /// value masked whole:
    /// <c>https://***@gpu.example/api/models?sig=***&amp;code=***</c>); with <paramref name="pathIsSecret"/> the path too
    /// (<c>https://hooks.example/***</c>). A relative URL keeps its path (masked likewise) and its masked query.
    /// </summary>
    public static string Redact(Uri url, bool pathIsSecret = false)
    {
        ArgumentNullException.ThrowIfNull(url);
        var text = new StringBuilder();
        string pathAndQuery;
        if (url.IsAbsoluteUri)
        {
            text.Append(url.Scheme).Append("://");
            if (url.UserInfo.Length > 0)
            {
                text.Append(Mask).Append('@');
            }

            text.Append(url.IdnHost);
            if (!url.IsDefaultPort)
            {
                text.Append(':').Append(url.Port);
            }

            pathAndQuery = url.PathAndQuery;
        }
        else
        {
            pathAndQuery = url.OriginalString.Split('#', 2)[0];
        }

        var queryStart = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        var path = queryStart < 0 ? pathAndQuery : pathAndQuery[..queryStart];
        text.Append(pathIsSecret && path.Length > 1 ? "/" + Mask : path);
        if (queryStart >= 0)
        {
            AppendMaskedQuery(text, pathAndQuery.AsSpan(queryStart + 1));
        }

        return text.ToString();
    }

    private static void AppendMaskedQuery(StringBuilder text, ReadOnlySpan<char> query)
    {
        var first = true;
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            text.Append(first ? '?' : '&');
            first = false;
            // A bare value (?TOKEN) may be the secret itself; of a pair only the name is kept.
            text.Append(equals < 0 ? Mask : $"{pair[..equals]}={Mask}");
        }
    }
}
