using Shipyard.Testing;
using System.Net;
using Shipyard.Server.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Server.Tests.Hosting;

/// <summary>
/// Models load in the background after the server listens; predictions for a model still loading wait for it
/// (Shipyard:InitialLoadWait). diabetes' model.onnx is a named pipe here (<see cref="ModelsFolder"/>), so its load
/// blocks until the test releases it: the window in which it is still loading is deterministic.
/// </summary>
public sealed class BackgroundLoadingTests
{
    [Fact]
    public async Task WhileAModelLoads_HealthIs503NamingIt_PredictWaitsForTheModel_ThenReady()
    {
        await using var models = ModelsFolder.Copy("breast-cancer", "diabetes");
        await models.BlockLoadAsync("diabetes", "1");
        using var app = new ShipyardApplicationFactory(ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?> { ["Shipyard:ModelsPath"] = models.Path }))
        {
            WaitForModels = false,
        };
        try
        {
            // The host starts (and answers) although diabetes cannot finish loading.
            using var client = app.CreateClient(ShipyardApplicationFactory.FunctionKey);

            using var health = await client.GetAsync(new Uri("/api/health", UriKind.Relative));
            var problem = await HttpAssert.ProblemAsync(health, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(health.Headers.RetryAfter);
            Assert.Contains("diabetes: loading", HttpAssert.Errors(problem));

            using var ready = await client.GetAsync(new Uri("/v2/health/ready", UriKind.Relative));
            await HttpAssert.ProblemAsync(ready, HttpStatusCode.ServiceUnavailable);

            // A prediction for the loading model waits for it (the load cannot finish before the pipe is written).
            var sample = SampleCases.Load("diabetes", "1").Cases[0];
            var predict = client.PostAsync(new Uri("/api/models/diabetes/predict", UriKind.Relative), Json.Instances(sample.Instance));
            await Task.Delay(TimeSpan.FromMilliseconds(300));
            Assert.False(predict.IsCompleted, "the prediction answered before its model was loaded");

            await models.ReleaseAsync();
            using var answer = await predict;
            PredictionAssert.Equal(sample, (await HttpAssert.OkJsonAsync(answer)).GetProperty("predictions")[0], "after the load");

            await ShipyardApplicationFactory.WaitUntilReadyAsync(client);
            using var after = await client.GetAsync(new Uri("/v2/health/ready", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        }
        finally
        {
            // Unblock the loader so the host can stop.
            await models.ReleaseAsync();
        }
    }

    [Fact]
    public async Task WhileAModelLoads_PredictWithoutWaiting_Is503WithRetryAfter()
    {
        await using var models = ModelsFolder.Copy("breast-cancer", "diabetes");
        await models.BlockLoadAsync("diabetes", "1");
        using var app = new ShipyardApplicationFactory(ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?>
        {
            ["Shipyard:ModelsPath"] = models.Path,
            ["Shipyard:InitialLoadWait"] = "00:00:00",
        }))
        {
            WaitForModels = false,
        };
        try
        {
            using var client = app.CreateClient(ShipyardApplicationFactory.FunctionKey);

            using var predict = await client.PostAsync(new Uri("/api/models/diabetes/predict", UriKind.Relative),
                Json.Body(new { instances = new[] { new { age = 0.0 } } }));

            var problem = await HttpAssert.ProblemAsync(predict, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(predict.Headers.RetryAfter);
            Assert.Contains("loading", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        finally
        {
            await models.ReleaseAsync();
        }
    }
}
