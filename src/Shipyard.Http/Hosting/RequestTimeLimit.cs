namespace Shipyard.Http.Hosting;

/// <summary>Which time limit an endpoint's requests have (<see cref="RequestTimeLimitExtensions.WithTimeLimit{TBuilder}"/>; unmarked endpoints: <see cref="Request"/>).</summary>
public enum RequestTimeLimit
{
    /// <summary><c>Shipyard:Http:RequestTimeout</c> (30 s by default).</summary>
    Request,

    /// <summary><c>Shipyard:Http:UploadTimeout</c> (10 min by default): model package uploads.</summary>
    Upload,
}
