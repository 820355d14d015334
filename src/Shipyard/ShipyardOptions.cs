using Shipyard.Scoring;

namespace Shipyard;

/// <summary>Settings of the domain, bound from the <c>Shipyard</c> configuration section (environment: <c>Shipyard__X</c>).</summary>
public sealed class ShipyardOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Shipyard";

    /// <summary>Bundled model packages folder. Default (null): <c>AppContext.BaseDirectory/models</c> when it exists, else the
    /// first <c>models/</c> folder found walking up from the current directory and from the app folder.</summary>
    public string? ModelsPath { get; set; }

    /// <summary>Root of the embedded file store, used when <c>AzureWebJobsStorage</c> is not set (default <c>./.shipyard</c>).</summary>
    public string DataPath { get; set; } = "./.shipyard";

    /// <summary>Share of predictions written to the prediction log, 0–1 (default 1.0: drift needs inputs and a laptop
    /// or a small deployment can afford them; lower it for high-traffic models). Rows of one request are sampled together.</summary>
    public double PredictionLogSampleRate { get; set; } = 1.0;

    /// <summary>Prediction log buffering.</summary>
    public PredictionLogOptions PredictionLog { get; set; } = new();

    /// <summary>Coalescing of concurrent requests into one ONNX run (off by default).</summary>
    public MicroBatchingOptions MicroBatching { get; set; } = new();

    /// <summary>How often the registry checks the bundled folder and the store for new versions and routing (default 30 s; zero or less disables polling).</summary>
    public TimeSpan RegistryPollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a prediction for a model that is still loading after start waits for it before answering 503
    /// (default 20 s, under the 30 s request timeout; zero answers 503 at once). Only the initial load waits: a new
    /// version loaded later is swapped in while the old one keeps serving.</summary>
    public TimeSpan InitialLoadWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Request and package size limits.</summary>
    public ScoringLimits Limits { get; set; } = new();

    /// <summary>Outcome feedback and evaluation (<c>Shipyard:Evaluation</c>).</summary>
    public Monitoring.Evaluation.EvaluationOptions Evaluation { get; set; } = new();
}
