namespace Shipyard.Http.Forwarding;

/// <summary>The GPU app's answer, relayed: status, content type, the version and retry headers, and the body as it streams.</summary>
internal sealed class RelayedResponse(HttpResponseMessage response) : IResult
{
    private static readonly string[] RelayedHeaders = ["X-Model-Version", "Retry-After"];

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using (response)
        {
            var target = httpContext.Response;
            target.StatusCode = (int)response.StatusCode;
            target.ContentType = response.Content.Headers.ContentType?.ToString();
            target.ContentLength = response.Content.Headers.ContentLength;
            foreach (var name in RelayedHeaders)
            {
                if (response.Headers.TryGetValues(name, out var values))
                {
                    target.Headers[name] = values.ToArray();
                }
            }

            target.Headers[GpuForwarder.ServedByHeader] = "gpu-app";
            await response.Content.CopyToAsync(target.Body, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}
