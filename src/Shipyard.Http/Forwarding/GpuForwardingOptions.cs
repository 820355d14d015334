namespace Shipyard.Http.Forwarding;

/// <summary>
/// Where predictions for <c>cuda</c> models go (docs/architecture.md "Which model runs where"): the GPU app's URL and the
/// function key it accepts, as the infrastructure provisions them (<c>GPU_APP_URL</c>, <c>GPU_APP_KEY</c>). Forwarding is
/// off while the URL is empty.
/// </summary>
public sealed class GpuForwardingOptions
{
    /// <summary>Setting holding the GPU app's base URL.</summary>
    public const string UrlSetting = "GPU_APP_URL";

    /// <summary>Setting holding the function key the GPU app accepts (a secret: never logged).</summary>
    public const string KeySetting = "GPU_APP_KEY";

    /// <summary>Section of the tuning settings.</summary>
    public const string Section = "Shipyard:GpuForwarding";

    /// <summary>The GPU app's base URL (http or https); null turns forwarding off.</summary>
    public Uri? Url { get; set; }

    /// <summary>Sent as <c>x-functions-key</c> to the GPU app.</summary>
    public string? Key { get; set; }

    /// <summary>How long to wait for the GPU app before falling back (<c>prefer-gpu</c>) or answering 503 (<c>require</c>);
    /// below the 30 s request timeout so a fallback still has time to score. Default 20 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>After the GPU app could not be reached (connection failure, timeout, 502/504), how long predictions skip
    /// it and go straight to their fallback instead of each waiting for <see cref="Timeout"/>. Default 10 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(10);
}
