namespace Shipyard.Functions.CustomHandler;

/// <summary>Handles one non-HTTP trigger invocation. Throwing fails the invocation (the host retries per its trigger's policy).</summary>
/// <param name="request">The host's payload.</param>
/// <param name="context">Function name, services, log and cancellation.</param>
/// <returns>Outputs and return value; the helper adds <see cref="InvocationContext.Logs"/>. Null means no outputs.</returns>
public delegate Task<InvocationResponse?> InvocationHandler(InvocationRequest request, InvocationContext context);
