using System.Diagnostics;
using OpenTelemetry;
using Shipyard.Telemetry;

namespace Shipyard.Http.Telemetry;

/// <summary>
/// Masks the path of outgoing calls to URLs whose path is itself a secret (Slack- and Teams-style webhooks:
/// <c>https://hooks.example/services/T000/B000/XXXX</c>) before the dependency is exported. OpenTelemetry's HTTP
/// instrumentation already drops user information and replaces query values; the path it keeps, and it becomes the
/// dependency's name and data. Rewritten with <see cref="UrlRedaction"/>, the one redaction logs use too.
/// </summary>
internal sealed class SecretPathRedactionProcessor(IReadOnlyList<Uri> secretPathUrls) : BaseProcessor<Activity>
{
    private const string UrlTag = "url.full";
    private readonly string[] _prefixes = [.. secretPathUrls.Select(u => u.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped))];

    /// <inheritdoc />
    public override void OnEnd(Activity data)
    {
        if (data.Kind != ActivityKind.Client
            || data.GetTagItem(UrlTag) is not string url
            || !_prefixes.Any(p => url.StartsWith(p, StringComparison.OrdinalIgnoreCase))
            || !Uri.TryCreate(url, UriKind.Absolute, out var parsed))
        {
            return;
        }

        var redacted = UrlRedaction.Redact(parsed, pathIsSecret: true);
        data.SetTag(UrlTag, redacted);
        data.SetTag("url.path", "/" + UrlRedaction.Mask);
        data.DisplayName = data.GetTagItem("http.request.method") is string method ? method : data.DisplayName;
    }
}
