namespace Shipyard.Onnx.Tests.Conformance;

/// <summary>Outcome of one backend node test.</summary>
internal sealed record CaseResult(string Name, CaseOutcome Outcome, string Category, string Detail, OrtErrorCode? ErrorCode = null)
{
    public static CaseResult Pass(string name) => new(name, CaseOutcome.Passed, "", "");

    public static CaseResult Skip(string name, string category, string detail) => new(name, CaseOutcome.Skipped, category, detail);

    public static CaseResult LoadFailed(string name, OnnxRuntimeException error) => new(name, CaseOutcome.Failed, "load", OneLine(error.Message), error.ErrorCode);

    public static CaseResult RunFailed(string name, OnnxRuntimeException error) => new(name, CaseOutcome.Failed, "run", OneLine(error.Message), error.ErrorCode);

    public static CaseResult Mismatch(string name, string detail) => new(name, CaseOutcome.Failed, "mismatch", detail);

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}

/// <summary>Passed, skipped (not runnable through the binding's tensor API) or failed.</summary>
internal enum CaseOutcome
{
    Passed,
    Skipped,
    Failed,
}
