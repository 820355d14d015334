
namespace Shipyard.Http.Forwarding;

/// <summary>The server's predict and infer endpoints ask <see cref="GpuForwardingGate"/> before their handler runs.</summary>
internal sealed class GpuForwardingFilter(GpuForwardingGate gate) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var answer = await gate.TryForwardAsync(http, http.GetRouteValue("name") as string, http.GetRouteValue("version") as string).ConfigureAwait(false);
        return answer ?? await next(context).ConfigureAwait(false);
    }
}
