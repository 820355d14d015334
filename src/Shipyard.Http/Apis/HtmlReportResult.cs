using Microsoft.AspNetCore.Http.HttpResults;

namespace Shipyard.Http.Apis;

/// <summary>
/// A report page as an answer (the drift report, the evaluation report). The pages are self-contained (inline CSS and
/// SVG, no scripts), so the content security policy forbids everything else and a report can never run code.
/// </summary>
internal static class HtmlReportResult
{
    private const string ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    /// <summary>Answers <paramref name="html"/> (UTF-8) with the page's headers set on <paramref name="response"/>.</summary>
    public static FileContentHttpResult Create(HttpResponse response, byte[] html)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.Bytes(html, "text/html; charset=utf-8");
    }
}
