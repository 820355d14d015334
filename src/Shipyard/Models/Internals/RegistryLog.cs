using Microsoft.Extensions.Logging;

namespace Shipyard.Models.Internals;

/// <summary>The registry's log messages (source-generated, no boxing when the level is off).</summary>
internal static partial class RegistryLog
{
    [LoggerMessage(1001, LogLevel.Information, "Model {Model} version {Version} changed; swapped in the new package.")]
    public static partial void Swapped(ILogger logger, string model, string version);

    [LoggerMessage(1002, LogLevel.Information, "Loaded model {Model} version {Version} from {Source} in {ElapsedMs} ms ({Provider}).")]
    public static partial void Loaded(ILogger logger, string model, string version, ModelSource source, long elapsedMs, string provider);

    [LoggerMessage(1003, LogLevel.Error, "Model {Model} version {Version} ({Source}) failed to load: {Error}")]
    public static partial void LoadFailed(ILogger logger, string model, string version, ModelSource source, string error);

    [LoggerMessage(1004, LogLevel.Error, "routing.json of model {Model} ({Source}) is invalid and ignored: {Errors}")]
    public static partial void RoutingInvalid(ILogger logger, string model, ModelSource source, string errors);

    [LoggerMessage(1005, LogLevel.Error, "routing.json of model {Model} ({Source}) could not be read; ignored.")]
    public static partial void RoutingUnreadable(ILogger logger, Exception exception, string model, ModelSource source);

    [LoggerMessage(1006, LogLevel.Warning, "Routing change '{Change}' of model {Model} lost a race with another writer; reloaded routing.")]
    public static partial void RoutingConflict(ILogger logger, string change, string model);

    [LoggerMessage(1007, LogLevel.Information, "Routing of model {Model} changed ({Change}): production {Production}, canary {Canary}, shadow {Shadow}.")]
    public static partial void RoutingChanged(ILogger logger, string model, string change, string? production, string? canary, string? shadow);

    [LoggerMessage(1008, LogLevel.Information, "Uploaded model {Model} version {Version} ({Bytes} bytes of ONNX).")]
    public static partial void Uploaded(ILogger logger, string model, string version, int bytes);

    [LoggerMessage(1009, LogLevel.Error, "Polling the model registry failed; will retry.")]
    public static partial void PollFailed(ILogger logger, Exception exception);

    [LoggerMessage(1010, LogLevel.Warning, "Model {Model} version {Version}: {Reason}")]
    public static partial void GpuFallback(ILogger logger, string model, string version, string reason);
}
