using System.Globalization;
using System.Net;
using System.Text;

namespace Shipyard.Monitoring.Reports;

/// <summary>
/// What the self-contained report pages (drift, evaluation) share: the document head with its inline stylesheet (no
/// scripts, fonts or external resources), the verdict banner's classes, HTML encoding and number formatting.
/// </summary>
internal static class ReportPage
{
    /// <summary>Writes the doctype, head (title, inline styles) and the opening body tag.</summary>
    public static StringBuilder Begin(StringBuilder html, string title, string extraStyles = "")
    {
        ArgumentNullException.ThrowIfNull(html);
        return html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append(CultureInfo.InvariantCulture, $"<title>{E(title)}</title>\n")
            .Append("<style>\n")
            .Append("body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:2rem;color:#1c1e21;max-width:70rem}\n")
            .Append(".verdict{padding:1rem 1.5rem;border-radius:.5rem;margin-bottom:1.5rem}\n")
            .Append(".verdict h1{margin:0 0 .25rem 0;font-size:1.6rem}.verdict p{margin:0}\n")
            .Append(".drift{background:#fff0e6;border-left:.5rem solid #d9480f}.ok{background:#ebfbee;border-left:.5rem solid #2b8a3e}.none{background:#f1f3f5;border-left:.5rem solid #868e96}\n")
            .Append("table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.9rem}th,td{border-bottom:1px solid #dee2e6;padding:.35rem .5rem;text-align:right}\n")
            .Append("th:first-child,td:first-child{text-align:left}th{background:#f8f9fa}\n")
            .Append(".chart{display:inline-block;margin:0 1.5rem 1.5rem 0;vertical-align:top}.chart h3{font-size:1rem;margin:.5rem 0}\n")
            .Append(".legend span{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 .8rem;vertical-align:middle}\n")
            .Append(extraStyles)
            .Append("</style>\n</head>\n<body>\n");
    }

    /// <summary>Closes the body and the document.</summary>
    public static StringBuilder End(StringBuilder html) => html.Append("</body>\n</html>\n");

    /// <summary>HTML-encoded text (null as empty).</summary>
    public static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    /// <summary>A number with four significant digits, or "–" for none.</summary>
    public static string N(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("G4", CultureInfo.InvariantCulture) : "–";
}
