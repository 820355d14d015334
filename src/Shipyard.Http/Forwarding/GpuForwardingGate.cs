using System.Buffers;
using Shipyard.Http.Errors;
using Shipyard.Http.Bodies;
using Shipyard.Models;

namespace Shipyard.Http.Forwarding;

/// <summary>
/// Whether the GPU app answers a predict or infer request: a request for a <c>cuda</c> model goes there and its answer
/// is relayed. When the GPU app cannot be reached, <c>prefer-gpu</c> models are scored here on the CPU (header
/// <see cref="GpuForwarder.ServedByHeader"/> says so) and <c>require</c> models answer 503. Both hosts ask it: the
/// server through <see cref="GpuForwardingFilter"/>, the Functions app from its predict and infer functions.
/// </summary>
public sealed class GpuForwardingGate(GpuForwarder forwarder, JsonRequestReader reader)
{
    /// <summary>True when a GPU app is configured (GPU_APP_URL); otherwise every request is scored here.</summary>
    public bool IsEnabled => forwarder.IsEnabled;

    /// <summary>
    /// The answer for a request on model <paramref name="name"/> (and <paramref name="version"/>, when pinned) that this
    /// process must not score itself, or null when it scores it here (the body is then readable again from the start).
    /// </summary>
    public async Task<IResult?> TryForwardAsync(HttpContext http, string? name, string? version)
    {
        ArgumentNullException.ThrowIfNull(http);
        var manifest = await forwarder.HeavyManifestAsync(name, version, http.RequestAborted).ConfigureAwait(false);
        if (manifest is null)
        {
            return null;
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
                return null;
        }
    }

    /// <summary>The whole body, under the same content-type and size rules as a local prediction.</summary>
    private async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var body = await reader.BufferAsync(request, cancellationToken).ConfigureAwait(false);
        return body.Data.ToArray();
    }
}
