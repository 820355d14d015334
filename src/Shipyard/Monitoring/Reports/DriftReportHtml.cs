using System.Globalization;
using System.Text;
using Shipyard.Monitoring.Drift;

using static Shipyard.Monitoring.Reports.ReportPage;

namespace Shipyard.Monitoring.Reports;

/// <summary>
/// Renders a <see cref="DriftReport"/> as one self-contained HTML page: no scripts, no external fonts,
/// stylesheets or images. Verdict at the top, the features table sorted by drift score, and for each drifted
/// feature an inline SVG chart of reference vs current distribution. Every text from data is HTML-encoded.
/// </summary>
public static class DriftReportHtml
{
    private const string ReferenceColor = "#7a869a";
    private const string CurrentColor = "#d9480f";

    /// <summary>The HTML page.</summary>
    public static string Render(DriftReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder(16_384);
        var (verdictText, verdictClass) = report.Status switch
        {
            DriftStatus.Drift => ("Drift detected", "drift"),
            DriftStatus.NoDrift when report.TopDriftedFeatures.Count > 0 => ("No dataset drift", "ok"),
            DriftStatus.NoDrift => ("No drift", "ok"),
            _ => ("Insufficient data", "none"),
        };
        ReportPage.Begin(html, $"Drift report: {report.Model} v{report.Version} — {verdictText}", "tr.drifted td{background:#fff4e6}\n");

        html.Append(CultureInfo.InvariantCulture, $"<section class=\"verdict {verdictClass}\" id=\"verdict\">\n<h1>{E(verdictText)}: {E(report.Model)} v{E(report.Version)}</h1>\n<p>");
        if (report.DatasetDrift is { } dataset)
        {
            var drifted = report.Features.Count(f => f.Drift.Drifted);
            html.Append(CultureInfo.InvariantCulture, $"{drifted} of {report.Features.Count} features drifted ({dataset.DriftedShare:P0}; dataset drift at ≥ {DriftRule.DatasetShare:P0}). ");
            if (report.TopDriftedFeatures.Count > 0)
            {
                html.Append("Most drifted: ").Append(E(string.Join(", ", report.TopDriftedFeatures.Take(5)))).Append(". ");
            }
        }
        else
        {
            html.Append(CultureInfo.InvariantCulture, $"{report.Rows} records in the window; at least {report.MinimumRows} are needed. No alert was sent. ");
        }

        html.Append(CultureInfo.InvariantCulture, $"Window {report.WindowStart:yyyy-MM-dd HH:mm} – {report.WindowEnd:yyyy-MM-dd HH:mm} UTC, {report.Rows} records")
            .Append(report.SkippedRecords > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({report.SkippedRecords} unreadable skipped)") : string.Empty)
            .Append(CultureInfo.InvariantCulture, $". Generated {report.Created:yyyy-MM-dd HH:mm:ss} UTC.</p>\n</section>\n");

        if (report.Features.Count > 0)
        {
            html.Append("<h2>Features by drift score</h2>\n<table id=\"features\">\n<thead><tr><th>Feature</th><th>Kind</th><th>Drifted</th><th>Test</th><th>Score</th><th>Threshold</th>")
                .Append("<th>Jensen–Shannon</th><th>PSI</th><th>KS / χ²</th><th>Missing (ref → cur)</th><th>Data quality</th></tr></thead>\n<tbody>\n");
            foreach (var feature in report.Features)
            {
                AppendRow(html, feature);
            }

            html.Append("</tbody>\n</table>\n");
        }

        if (report.Prediction is { } prediction)
        {
            html.Append("<h2>Predictions</h2>\n<table id=\"prediction\">\n<thead><tr><th>Output</th><th>Kind</th><th>Drifted</th><th>Test</th><th>Score</th><th>Threshold</th>")
                .Append("<th>Jensen–Shannon</th><th>PSI</th><th>KS / χ²</th><th>Missing (ref → cur)</th><th>Data quality</th></tr></thead>\n<tbody>\n");
            AppendRow(html, prediction);
            html.Append("</tbody>\n</table>\n");
        }

        var charted = report.Features.Where(f => f.Drift.Drifted && f.Chart is not null).ToList();
        if (report.Prediction is { Drift.Drifted: true, Chart: not null } driftedPrediction)
        {
            charted.Add(driftedPrediction);
        }

        if (charted.Count > 0)
        {
            html.Append("<h2>Drifted distributions</h2>\n<p class=\"legend\">")
                .Append(CultureInfo.InvariantCulture, $"<span style=\"background:{ReferenceColor}\"></span>training (reference)<span style=\"background:{CurrentColor}\"></span>current window</p>\n");
            foreach (var feature in charted)
            {
                AppendChart(html, feature);
            }
        }

        return ReportPage.End(html).ToString();
    }

    private static void AppendRow(StringBuilder html, FeatureReport feature)
    {
        var d = feature.Drift;
        var test = d.Ks is { } ks ? $"D={N(ks.Statistic)}, p={P(ks.PValue)}" : d.ChiSquare is { } chi ? $"χ²={N(chi.Statistic)}, p={P(chi.PValue)}" : "–";
        var quality = new List<string>();
        if (feature.OutsideTrainingRange is > 0 and var outside)
        {
            quality.Add(string.Create(CultureInfo.InvariantCulture, $"{outside:P1} outside training range"));
        }

        if (feature.UnseenCategories is { Count: > 0 } unseen)
        {
            quality.Add($"unseen: {string.Join(", ", unseen.Take(5))}");
        }

        html.Append(d.Drifted ? "<tr class=\"drifted\">" : "<tr>")
            .Append(CultureInfo.InvariantCulture, $"<td>{E(d.Name)}</td><td>{(d.Kind == FeatureKind.Numeric ? "numeric" : "categorical")}</td><td>{(d.Drifted ? "yes" : "no")}</td>")
            .Append(CultureInfo.InvariantCulture, $"<td>{E(d.Decision.Method)}</td><td>{P(d.Decision.Score)}</td><td>{N(d.Decision.Threshold)}</td>")
            .Append(CultureInfo.InvariantCulture, $"<td>{N(d.JensenShannon)}</td><td>{N(d.Psi)}</td><td>{E(test)}</td>")
            .Append(CultureInfo.InvariantCulture, $"<td>{d.MissingRate.Reference:P1} → {d.MissingRate.Current:P1}</td><td>{E(string.Join("; ", quality))}</td></tr>\n");
    }

    // Grouped vertical bars: reference and current proportion per bin/category, with a labelled y axis.
    private static void AppendChart(StringBuilder html, FeatureReport feature)
    {
        var chart = feature.Chart!;
        const int height = 180, top = 10, left = 40, bottom = 60, groupWidth = 34;
        var width = left + (chart.Labels.Count * groupWidth) + 10;
        var max = Math.Max(chart.Reference.Concat(chart.Current).DefaultIfEmpty(0).Max(), 1e-9);
        html.Append(CultureInfo.InvariantCulture, $"<figure class=\"chart\"><h3>{E(feature.Drift.Name)}</h3>\n")
            .Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height + top + bottom}\" role=\"img\" aria-label=\"{E(feature.Drift.Name)}: training vs current distribution\">\n")
            .Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{top + height}\" stroke=\"#adb5bd\"/><line x1=\"{left}\" y1=\"{top + height}\" x2=\"{width - 5}\" y2=\"{top + height}\" stroke=\"#adb5bd\"/>\n")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 4}\" y=\"{top + 8}\" font-size=\"10\" text-anchor=\"end\">{max:P0}</text><text x=\"{left - 4}\" y=\"{top + height}\" font-size=\"10\" text-anchor=\"end\">0</text>\n");
        for (var i = 0; i < chart.Labels.Count; i++)
        {
            var x = left + (i * groupWidth) + 3;
            var referenceHeight = chart.Reference[i] / max * height;
            var currentHeight = chart.Current[i] / max * height;
            html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{top + height - referenceHeight:F1}\" width=\"13\" height=\"{referenceHeight:F1}\" fill=\"{ReferenceColor}\"><title>{E(chart.Labels[i])}: training {chart.Reference[i]:P1}</title></rect>")
                .Append(CultureInfo.InvariantCulture, $"<rect x=\"{x + 14}\" y=\"{top + height - currentHeight:F1}\" width=\"13\" height=\"{currentHeight:F1}\" fill=\"{CurrentColor}\"><title>{E(chart.Labels[i])}: current {chart.Current[i]:P1}</title></rect>\n")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 14}\" y=\"{top + height + 10}\" font-size=\"9\" text-anchor=\"end\" transform=\"rotate(-40 {x + 14} {top + height + 10})\">{E(Shorten(chart.Labels[i]))}</text>\n");
        }

        html.Append("</svg></figure>\n");
    }

    private static string Shorten(string label) => label.Length <= 18 ? label : label[..17] + "…";

    private static string P(double value) => !double.IsFinite(value) ? "–" : value is > 0 and < 1e-4 ? value.ToString("0.0E+0", CultureInfo.InvariantCulture) : value.ToString("G4", CultureInfo.InvariantCulture);
}
