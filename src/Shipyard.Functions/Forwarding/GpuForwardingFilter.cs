using System.Buffers;
using Shipyard.Functions.Errors;
using Shipyard.Functions.Http;
using Shipyard.Models;

namespace Shipyard.Functions.Forwarding;

/// <summary>
/// On the predict and infer routes: a request for a <c>cuda</c> model goes to the GPU app and its answer is relayed.
/// When the GPU app cannot be reached, <c>prefer-gpu</c> models are scored here on the CPU (header
/// <see cref="GpuForwarder.ServedByHeader"/> says so) and <c>require</c> models answer 503.
/// </summary>
internal sealed class GpuForwardingFilter(GpuForwarder forwarder, JsonRequestReader reader) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var manifest = await forwarder.HeavyManifestAsync(http.GetRouteValue("name") as string, http.GetRouteValue("version") as string, http.RequestAborted)
            .ConfigureAwait(false);
        if (manifest is null)
        {
            return await next(context).ConfigureAwait(false);
        }

        if (http.Request.Headers.ContainsKey(GpuForwarder.ForwardedHeader))
        {
            return Problems.Create(
                StatusCodes.Status508LoopDetected,
                "Forwarding loop.",
                "This app received a forwarded prediction and would forward it again: GPU_APP_URL must be set on the function app only, never on the GPU app.");
        }

        var body = await ReadBodyAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        var (outcome, response) = await forwarder.ForwardAsync(http.Request, body, http.RequestAborted).ConfigureAwait(false);
        switch (outcome)
        {
            case ForwardOutcome.Answered:
                return new RelayedResponse(response!);
            case ForwardOutcome.KeyRefused:
                return Problems.Create(
                    StatusCodes.Status502BadGateway,
                    "The GPU app refused this app's key.",
                    $"Model '{manifest.Name}' runs on the GPU app, which did not accept GPU_APP_KEY; the operator must list that key in the GPU app's Shipyard__Auth__FunctionKeys.");
            case ForwardOutcome.Unreachable when manifest.Runtime.DevicePolicy == DevicePolicy.Require:
                http.Response.Headers.RetryAfter = "10";
                return Problems.Create(
                    StatusCodes.Status503ServiceUnavailable,
                    "The GPU app is unavailable.",
                    $"Model '{manifest.Name}' version {manifest.Version} requires a GPU (devicePolicy require) and the GPU app did not answer; retry later.");
            default:
                // prefer-gpu: score here on the CPU, from the buffered body.
                http.Request.Body = new MemoryStream(body, writable: false);
                http.Response.Headers[GpuForwarder.ServedByHeader] = "local-fallback";
                return await next(context).ConfigureAwait(false);
        }
    }

    /// <summary>The whole body, under the same content-type and size rules as a local prediction.</summary>
    private async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var body = await reader.BufferAsync(request, cancellationToken).ConfigureAwait(false);
        return body.Data.ToArray();
    }
}
