namespace Shipyard.Functions.CustomHandler;

/// <summary>What an <see cref="InvocationHandler"/> gets besides the payload: the function name, services, a log and cancellation.</summary>
public sealed class InvocationContext
{
    private readonly List<string> _logs = [];

    /// <summary>Creates the context (the endpoint helper does this).</summary>
    public InvocationContext(string functionName, HttpContext httpContext)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        ArgumentNullException.ThrowIfNull(httpContext);
        FunctionName = functionName;
        HttpContext = httpContext;
    }

    /// <summary>The function (folder) name the host invoked.</summary>
    public string FunctionName { get; }

    /// <summary>The underlying request from the host.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>Request services (scoped).</summary>
    public IServiceProvider Services => HttpContext.RequestServices;

    /// <summary>Cancelled when the host abandons the invocation or the app shuts down.</summary>
    public CancellationToken CancellationToken => HttpContext.RequestAborted;

    /// <summary>Lines written with <see cref="Log"/>; the helper puts them in <see cref="InvocationResponse.Logs"/>.</summary>
    public IReadOnlyList<string> Logs => _logs;

    /// <summary>Adds a line to the invocation log the host shows (Application Insights in Azure).</summary>
    public void Log(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (_logs)
        {
            _logs.Add(message);
        }
    }
}
