namespace Shipyard.Tests.Onnx.Conformance;

/// <summary>Outcome of one backend node test: passed, or failed with the stage ("load", "run", "mismatch") and detail.</summary>
internal sealed record CaseResult(string Name, bool Passed, string Stage, string Detail)
{
    public static CaseResult Pass(string name) => new(name, true, "", "");

    public static CaseResult Fail(string name, string stage, string detail) => new(name, false, stage, detail.ReplaceLineEndings(" "));
}
