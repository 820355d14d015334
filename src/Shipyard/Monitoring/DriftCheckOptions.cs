using Microsoft.Extensions.Configuration;
using System.Globalization;

namespace Shipyard.Monitoring;

/// <summary>
/// Settings of the scheduled drift check, read from app settings (environment variables):
/// <list type="bullet">
/// <item><c>DRIFT_SCHEDULE</c> — six-field NCRONTAB, UTC (default <c>0 0 * * * *</c>, hourly). The Functions host reads the same
/// setting through <c>%DRIFT_SCHEDULE%</c> in the DriftCheck timer trigger; the standalone scheduler reads it here.</item>
/// <item><c>DRIFT_WINDOW</c> — prediction logs compared: <c>24h</c>, <c>90m</c>, <c>7d</c>, <c>30s</c> or a TimeSpan <c>1.00:00:00</c> (default 24 h).</item>
/// <item><c>DRIFT_RETRAIN_ON</c> — <c>dataset</c> (default: a retraining request and the <c>DriftDetected</c> event only when
/// the dataset drifts, DESIGN.md §3's share ≥ 0.5) or <c>any-feature</c> (as soon as one feature drifts).</item>
/// <item><c>DRIFT_MIN_ROWS</c> — fewer records in the window give an insufficient-data report (default 50).</item>
/// <item><c>DRIFT_WEBHOOK_URL</c> — optional absolute http(s) URL that receives each retraining request (retried in the background).</item>
/// <item><c>Shipyard:Drift:Scheduler:Enabled</c> — set false to keep the standalone scheduler off (the Functions app has the timer trigger instead).</item>
/// </list>
/// </summary>
public sealed record DriftCheckOptions
{
    /// <summary>Setting: the NCRONTAB schedule.</summary>
    public const string ScheduleSetting = "DRIFT_SCHEDULE";

    /// <summary>Setting: the window length.</summary>
    public const string WindowSetting = "DRIFT_WINDOW";

    /// <summary>Setting: when to request retraining (<c>dataset</c> or <c>any-feature</c>).</summary>
    public const string RetrainOnSetting = "DRIFT_RETRAIN_ON";

    /// <summary>Setting: minimum records per window.</summary>
    public const string MinimumRowsSetting = "DRIFT_MIN_ROWS";

    /// <summary>Setting: the optional webhook URL.</summary>
    public const string WebhookSetting = "DRIFT_WEBHOOK_URL";

    /// <summary>Setting: whether the standalone scheduler runs (default true).</summary>
    public const string SchedulerEnabledSetting = "Shipyard:Drift:Scheduler:Enabled";

    /// <summary>The default schedule: hourly, on the hour.</summary>
    public const string DefaultSchedule = "0 0 * * * *";

    /// <summary>When the check runs (default hourly).</summary>
    public required TimerSchedule Schedule { get; init; }

    /// <summary>Length of the window of prediction logs (default 24 h).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Request retraining when any feature drifts, not only when the dataset does (default false).</summary>
    public bool RetrainOnAnyFeatureDrift { get; init; }

    /// <summary>Records needed in the window for a verdict (default 50).</summary>
    public long MinimumRows { get; init; } = 50;

    /// <summary>Where retraining requests are also POSTed, or null.</summary>
    public Uri? WebhookUrl { get; init; }

    /// <summary>Whether the standalone scheduler may run (default true).</summary>
    public bool SchedulerEnabled { get; init; } = true;

    /// <summary>Reads the settings; empty values take the defaults.</summary>
    /// <exception cref="InvalidOperationException">A setting is invalid; the message names it, its value and the expected form.</exception>
    public static DriftCheckOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var scheduleText = Setting(configuration, ScheduleSetting) ?? DefaultSchedule;
        TimerSchedule schedule;
        try
        {
            schedule = TimerSchedule.Parse(scheduleText);
        }
        catch (FormatException e)
        {
            throw new InvalidOperationException($"{ScheduleSetting}: {e.Message}", e);
        }

        var window = TimeSpan.FromHours(24);
        if (Setting(configuration, WindowSetting) is { } windowText && !TryParseWindow(windowText, out window))
        {
            throw new InvalidOperationException($"{WindowSetting} is '{windowText}'; expected a positive duration such as 24h, 90m, 7d, 30s or a TimeSpan such as 1.00:00:00.");
        }

        var retrainOn = Setting(configuration, RetrainOnSetting) ?? "dataset";
        var anyFeature = retrainOn.ToLowerInvariant() switch
        {
            "dataset" => false,
            "any-feature" => true,
            _ => throw new InvalidOperationException($"{RetrainOnSetting} is '{retrainOn}'; expected 'dataset' or 'any-feature'."),
        };

        long minimumRows = 50;
        if (Setting(configuration, MinimumRowsSetting) is { } rowsText
            && (!long.TryParse(rowsText, NumberStyles.None, CultureInfo.InvariantCulture, out minimumRows) || minimumRows < 1))
        {
            throw new InvalidOperationException($"{MinimumRowsSetting} is '{rowsText}'; expected a whole number of at least 1.");
        }

        Uri? webhook = null;
        if (Setting(configuration, WebhookSetting) is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out webhook) || (webhook.Scheme != Uri.UriSchemeHttps && webhook.Scheme != Uri.UriSchemeHttp))
            {
                // The URL may carry a secret in its query: name the setting, not the value.
                throw new InvalidOperationException($"{WebhookSetting} is not an absolute http or https URL.");
            }
        }

        var enabledText = Setting(configuration, SchedulerEnabledSetting);
        var enabled = true;
        if (enabledText is not null && !bool.TryParse(enabledText, out enabled))
        {
            throw new InvalidOperationException($"{SchedulerEnabledSetting} is '{enabledText}'; expected true or false.");
        }

        return new DriftCheckOptions
        {
            Schedule = schedule,
            Window = window,
            RetrainOnAnyFeatureDrift = anyFeature,
            MinimumRows = minimumRows,
            WebhookUrl = webhook,
            SchedulerEnabled = enabled,
        };
    }

    /// <summary>Parses a window (<see cref="DriftWindow.TryParse"/>).</summary>
    public static bool TryParseWindow(string text, out TimeSpan window) => DriftWindow.TryParse(text, out window);

    private static string? Setting(IConfiguration configuration, string name) =>
        configuration[name] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
