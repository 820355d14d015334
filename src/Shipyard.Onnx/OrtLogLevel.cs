namespace Shipyard.Onnx;

/// <summary>ONNX Runtime log severities (<c>OrtLoggingLevel</c>); each maps to a <see cref="Microsoft.Extensions.Logging.LogLevel"/>.</summary>
public enum OrtLogLevel
{
    /// <summary>Verbose (mapped to <c>LogLevel.Trace</c>).</summary>
    Verbose = 0,
    /// <summary>Informational (mapped to <c>LogLevel.Information</c>).</summary>
    Info = 1,
    /// <summary>Warning (mapped to <c>LogLevel.Warning</c>).</summary>
    Warning = 2,
    /// <summary>Error (mapped to <c>LogLevel.Error</c>).</summary>
    Error = 3,
    /// <summary>Fatal (mapped to <c>LogLevel.Critical</c>).</summary>
    Fatal = 4,
}
