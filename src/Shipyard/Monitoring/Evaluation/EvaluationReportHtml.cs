using System.Globalization;
using System.Text;
using Shipyard.Monitoring.Reports;

using static Shipyard.Monitoring.Reports.ReportPage;

namespace Shipyard.Monitoring.Evaluation;

/// <summary>
/// Renders an <see cref="EvaluationReport"/> as one self-contained HTML page (no scripts, no external resources), as the
/// drift report is: the comparison's verdict at the top, a table of each version's realised and estimated metrics with
/// their intervals, and inline SVG charts — the main metric over time per version (arm) with its 95% band, and each
/// classifier version's calibration curve. Every text from data is HTML-encoded.
/// </summary>
public static class EvaluationReportHtml
{
    private static readonly string[] Palette = ["#1c7ed6", "#d9480f", "#2b8a3e", "#862e9c", "#e67700", "#495057"];

    /// <summary>The HTML page.</summary>
    public static string Render(EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder(16_384);
        var comparison = report.Comparison;
        var (verdict, css) = comparison?.Verdict switch
        {
            VersionComparison.Promote => ("Promote the canary", "ok"),
            VersionComparison.RollBack => ("Roll back the canary", "drift"),
            VersionComparison.Keep => ("Keep the canary running", "none"),
            VersionComparison.NotEnoughData => ("Not enough outcomes yet", "none"),
            _ => ("No canary to compare", "none"),
        };
        ReportPage.Begin(html, $"Evaluation: {report.Model} — {verdict}");

        html.Append(CultureInfo.InvariantCulture, $"<section class=\"verdict {css}\" id=\"verdict\">\n<h1>{E(verdict)}: {E(report.Model)}</h1>\n<p>");
        if (comparison is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"Canary v{E(comparison.Candidate)} against production v{E(comparison.Baseline)} on {E(comparison.Metric)} ({E(comparison.Test)}): ")
                .Append(CultureInfo.InvariantCulture, $"difference {N(comparison.Difference)}, 95% interval [{N(comparison.Ci95?[0])}, {N(comparison.Ci95?[1])}], p = {N(comparison.PValue)}. ");
        }

        html.Append(CultureInfo.InvariantCulture, $"Predictions made {report.Window.From:yyyy-MM-dd HH:mm} – {report.Window.To:yyyy-MM-dd HH:mm} UTC")
            .Append(report.UnmatchedOutcomes > 0 ? string.Create(CultureInfo.InvariantCulture, $"; {report.UnmatchedOutcomes} outcomes name predictions the log does not hold") : string.Empty)
            .Append(".</p>\n</section>\n");

        var metricNames = report.Versions.Values.SelectMany(v => v.Metrics.Keys).Distinct(StringComparer.Ordinal).ToList();
        html.Append("<h2>Versions</h2>\n<table id=\"versions\">\n<thead><tr><th>Version</th><th>Arms</th><th>Predictions</th><th>With outcome</th>");
        foreach (var name in metricNames)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th>{E(name)}</th>");
        }

        html.Append("<th>Estimated accuracy</th><th>Estimated ROC AUC</th></tr></thead>\n<tbody>\n");
        foreach (var (version, evaluation) in report.Versions.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>v{E(version)}</td><td>{E(string.Join(", ", evaluation.Arms))}</td><td>{evaluation.Count}</td><td>{evaluation.WithOutcome}</td>");
            foreach (var name in metricNames)
            {
                var interval = evaluation.Intervals.TryGetValue(name, out var i) ? string.Create(CultureInfo.InvariantCulture, $" [{N(i[0])}, {N(i[1])}]") : string.Empty;
                html.Append(CultureInfo.InvariantCulture, $"<td>{N(evaluation.Metrics.GetValueOrDefault(name))}{interval}</td>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<td>{N(evaluation.Estimated?.GetValueOrDefault("accuracy"))}</td><td>{N(evaluation.Estimated?.GetValueOrDefault("rocAuc"))}</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
        AppendTimeline(html, report);
        AppendCalibration(html, report);
        return ReportPage.End(html).ToString();
    }

    /// <summary>The main metric per bucket, one line per version with its 95% band.</summary>
    private static void AppendTimeline(StringBuilder html, EvaluationReport report)
    {
        var series = report.Versions.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => (v.Key, v.Value, Points: v.Value.Timeline.Where(p => p.Value is not null).ToList())).Where(s => s.Points.Count > 0).ToList();
        if (series.Count == 0)
        {
            return;
        }

        const int width = 640, height = 220, left = 50, top = 10, bottom = 30;
        var metric = series[0].Points[0].Metric;
        var from = report.Window.From;
        var span = Math.Max(1, (report.Window.To - from).TotalSeconds);
        var values = series.SelectMany(s => s.Points).SelectMany(p => p.Ci95 is { } c ? new[] { c[0], c[1], p.Value!.Value } : [p.Value!.Value]).ToList();
        var (low, high) = metric == "accuracy" ? (0.0, 1.0) : (0.0, Math.Max(values.Max(), 1e-9));
        double X(DateTimeOffset t) => left + ((t - from).TotalSeconds / span * (width - left - 10));
        double Y(double v) => top + height - ((v - low) / (high - low) * height);
        html.Append(CultureInfo.InvariantCulture, $"<h2>{E(metric)} over time</h2>\n<figure class=\"chart\" id=\"timeline\"><p class=\"legend\">");
        for (var s = 0; s < series.Count; s++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<span style=\"background:{Palette[s % Palette.Length]}\"></span>v{E(series[s].Key)} ({E(string.Join(", ", series[s].Value.Arms))})");
        }

        html.Append("</p>\n")
            .Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height + top + bottom}\" role=\"img\" aria-label=\"{E(metric)} over time per version\">\n")
            .Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{top + height}\" stroke=\"#adb5bd\"/><line x1=\"{left}\" y1=\"{top + height}\" x2=\"{width - 5}\" y2=\"{top + height}\" stroke=\"#adb5bd\"/>\n")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 4}\" y=\"{top + 8}\" font-size=\"10\" text-anchor=\"end\">{N(high)}</text><text x=\"{left - 4}\" y=\"{top + height}\" font-size=\"10\" text-anchor=\"end\">{N(low)}</text>\n")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{top + height + 20}\" font-size=\"10\">{report.Window.From:yyyy-MM-dd HH:mm}</text><text x=\"{width - 5}\" y=\"{top + height + 20}\" font-size=\"10\" text-anchor=\"end\">{report.Window.To:yyyy-MM-dd HH:mm} UTC</text>\n");
        for (var s = 0; s < series.Count; s++)
        {
            var color = Palette[s % Palette.Length];
            var points = series[s].Points;
            foreach (var p in points.Where(p => p.Ci95 is not null))
            {
                html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(p.From):F1}\" y1=\"{Y(p.Ci95![0]):F1}\" x2=\"{X(p.From):F1}\" y2=\"{Y(p.Ci95[1]):F1}\" stroke=\"{color}\" stroke-opacity=\"0.4\" stroke-width=\"4\"/>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(' ', points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.From):F1},{Y(p.Value!.Value):F1}")))}\"/>\n");
            foreach (var p in points)
            {
                html.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(p.From):F1}\" cy=\"{Y(p.Value!.Value):F1}\" r=\"3\" fill=\"{color}\"><title>v{E(series[s].Key)} {p.From:yyyy-MM-dd HH:mm}: {E(p.Metric)} {N(p.Value)} ({p.WithOutcome} outcomes)</title></circle>");
            }

            html.Append('\n');
        }

        html.Append("</svg></figure>\n");
    }

    /// <summary>Confidence against accuracy per bin, one curve per classifier version, over the diagonal of perfect calibration.</summary>
    private static void AppendCalibration(StringBuilder html, EvaluationReport report)
    {
        var curves = report.Versions.OrderBy(v => v.Key, StringComparer.Ordinal).Where(v => v.Value.Calibration is { Count: > 0 }).ToList();
        if (curves.Count == 0)
        {
            return;
        }

        const int size = 240, left = 40, top = 10, bottom = 30;
        double X(double v) => left + (v * size);
        double Y(double v) => top + size - (v * size);
        html.Append("<h2>Calibration</h2>\n<figure class=\"chart\" id=\"calibration\">")
            .Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{left + size + 20}\" height=\"{size + top + bottom}\" role=\"img\" aria-label=\"calibration curve per version\">\n")
            .Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{top}\" width=\"{size}\" height=\"{size}\" fill=\"none\" stroke=\"#adb5bd\"/><line x1=\"{X(0)}\" y1=\"{Y(0)}\" x2=\"{X(1)}\" y2=\"{Y(1)}\" stroke=\"#adb5bd\" stroke-dasharray=\"4 3\"/>\n")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{left + (size / 2)}\" y=\"{top + size + 20}\" font-size=\"10\" text-anchor=\"middle\">confidence</text><text x=\"{left - 4}\" y=\"{top + 8}\" font-size=\"10\" text-anchor=\"end\">1</text><text x=\"{left - 4}\" y=\"{top + size}\" font-size=\"10\" text-anchor=\"end\">0</text>\n");
        for (var c = 0; c < curves.Count; c++)
        {
            var color = Palette[c % Palette.Length];
            var bins = curves[c].Value.Calibration!;
            html.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(' ', bins.Select(b => string.Create(CultureInfo.InvariantCulture, $"{X(b.Confidence):F1},{Y(b.Accuracy):F1}")))}\"/>");
            foreach (var b in bins)
            {
                html.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(b.Confidence):F1}\" cy=\"{Y(b.Accuracy):F1}\" r=\"3\" fill=\"{color}\"><title>v{E(curves[c].Key)}: confidence {N(b.Confidence)}, accuracy {N(b.Accuracy)}, {b.Count} outcomes</title></circle>");
            }

            html.Append('\n');
        }

        html.Append("</svg><p class=\"legend\">");
        for (var c = 0; c < curves.Count; c++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<span style=\"background:{Palette[c % Palette.Length]}\"></span>v{E(curves[c].Key)}");
        }

        html.Append("</p></figure>\n");
    }
}
