using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Shipyard.Http.Apis;
using Shipyard.Http.Bodies;
using Shipyard.Http.Forwarding;
using Shipyard.Scoring;

namespace Shipyard.Functions.Http;

/// <summary>
/// Scoring routes (function key): REST predict (<see cref="PredictApi"/>) and KServe v2 infer (<see cref="KServeApi"/>).
/// A request for a <c>cuda</c> model asks <see cref="GpuForwardingGate"/> first, as the server's endpoint filter does.
/// </summary>
public sealed class PredictFunctions(PredictionService predictions, JsonRequestReader reader, GpuForwardingGate gpu)
{
    /// <summary><c>POST /api/models/{name}/predict</c>.</summary>
    [Function("Predict")]
    public Task<IResult> Predict(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/models/{name}/predict")] HttpRequest request, string name) =>
        ScoreAsync(request, name, null, async d => await PredictApi.Predict(name, d).ConfigureAwait(false));

    /// <summary><c>POST /api/models/{name}/versions/{version}/predict</c>.</summary>
    [Function("PredictVersion")]
    public Task<IResult> PredictVersion(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/models/{name}/versions/{version}/predict")] HttpRequest request, string name, string version) =>
        ScoreAsync(request, name, version, async d => await PredictApi.PredictVersion(name, version, d).ConfigureAwait(false));

    /// <summary><c>POST /v2/models/{name}/infer</c>.</summary>
    [Function("KServeInfer")]
    public Task<IResult> Infer(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v2/models/{name}/infer")] HttpRequest request, string name) =>
        ScoreAsync(request, name, null, async d => await KServeApi.InferAsync(name, null, d).ConfigureAwait(false));

    /// <summary><c>POST /v2/models/{name}/versions/{version}/infer</c>.</summary>
    [Function("KServeVersionInfer")]
    public Task<IResult> InferVersion(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v2/models/{name}/versions/{version}/infer")] HttpRequest request, string name, string version) =>
        ScoreAsync(request, name, version, async d => await KServeApi.InferAsync(name, version, d).ConfigureAwait(false));

    private async Task<IResult> ScoreAsync(HttpRequest request, string name, string? version, Func<PredictDependencies, Task<IResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (gpu.IsEnabled && await gpu.TryForwardAsync(request.HttpContext, name, version).ConfigureAwait(false) is { } forwarded)
        {
            return forwarded;
        }

        return await handler(new PredictDependencies(predictions, reader, request.HttpContext)).ConfigureAwait(false);
    }
}
