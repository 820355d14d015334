namespace Shipyard.Onnx.Tests;

/// <summary>Tests that reconfigure the process-wide ORT logger run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class OrtLoggingTests
{
    public const string Name = "ORT logging";
}
