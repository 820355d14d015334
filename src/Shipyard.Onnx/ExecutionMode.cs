namespace Shipyard.Onnx;

/// <summary>How ORT schedules the nodes of one run (<c>ExecutionMode</c>).</summary>
public enum ExecutionMode
{
    /// <summary>One node after another; parallelism only inside operators (intra-op threads). ORT's default.</summary>
    Sequential = 0,
    /// <summary>Independent branches of the graph run at the same time on the inter-op thread pool.</summary>
    Parallel = 1,
}
