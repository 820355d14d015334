using Shipyard.Testing;
using System.Globalization;
using System.Net;
using Shipyard.Server.RateLimiting;
using Shipyard.Server.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Server.Tests.RateLimiting;

public sealed class RateLimitingTests
{
    private static readonly Uri DiabetesPredict = new("/api/models/diabetes/versions/1/predict", UriKind.Relative);

    [Fact]
    public async Task PerKey_OneKeyOverItsLimitGets429WithRetryAfter_WhileAnotherKeyKeepsGetting200()
    {
        using var app = new ShipyardApplicationFactory(ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?>
        {
            ["Shipyard:RateLimiting:Enabled"] = "true",
            ["Shipyard:RateLimiting:PerKey:PermitsPerSecond"] = "0.2",
            ["Shipyard:RateLimiting:PerKey:Burst"] = "5",
        }));
        using var noisy = await app.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        using var quiet = app.CreateClient(ShipyardApplicationFactory.OtherFunctionKey);

        for (var i = 0; i < 5; i++)
        {
            await HttpAssert.OkJsonAsync(await noisy.PostAsync(DiabetesPredict, Instance()));
        }

        using var rejected = await noisy.PostAsync(DiabetesPredict, Instance());
        var problem = await HttpAssert.ProblemAsync(rejected, HttpStatusCode.TooManyRequests);
        var retryAfter = int.Parse(rejected.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 5);
        Assert.Contains("retry after", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        for (var i = 0; i < 5; i++)
        {
            await HttpAssert.OkJsonAsync(await quiet.PostAsync(DiabetesPredict, Instance()));
        }

        // Health is never limited, even for the noisy caller.
        Assert.Equal(HttpStatusCode.OK, (await noisy.GetAsync(new Uri("/api/health", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task PerKey_RequestsToUnknownRoutesCountAgainstTheKeyTheyCarry()
    {
        // No policy authenticates an unknown route; the limiter still counts such requests by their key, not by address.
        using var app = new ShipyardApplicationFactory(ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?>
        {
            ["Shipyard:RateLimiting:Enabled"] = "true",
            ["Shipyard:RateLimiting:PerKey:PermitsPerSecond"] = "0.2",
            ["Shipyard:RateLimiting:PerKey:Burst"] = "3",
        }));
        using var noisy = await app.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        using var quiet = app.CreateClient(ShipyardApplicationFactory.OtherFunctionKey);

        for (var i = 0; i < 3; i++)
        {
            await HttpAssert.ProblemAsync(await noisy.GetAsync(new Uri("/api/no-such-route", UriKind.Relative)), HttpStatusCode.NotFound);
        }

        await HttpAssert.ProblemAsync(await noisy.PostAsync(DiabetesPredict, Instance()), HttpStatusCode.TooManyRequests);
        await HttpAssert.OkJsonAsync(await quiet.PostAsync(DiabetesPredict, Instance()));
    }

    [Fact]
    public async Task PerModel_AHotModelIsLimited_WhileOtherModelsStillServe()
    {
        using var app = new ShipyardApplicationFactory(ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?>
        {
            ["Shipyard:RateLimiting:Enabled"] = "true",
            ["Shipyard:RateLimiting:PerModel:PermitsPerSecond"] = "0.2",
            ["Shipyard:RateLimiting:PerModel:Burst"] = "3",
        }));
        using var first = await app.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        using var second = app.CreateClient(ShipyardApplicationFactory.OtherFunctionKey);
        var breastCancer = SampleCases.Load("breast-cancer", "1").Cases[0].Instance;

        for (var i = 0; i < 3; i++)
        {
            await HttpAssert.OkJsonAsync(await first.PostAsync(DiabetesPredict, Instance()));
        }

        await HttpAssert.ProblemAsync(await second.PostAsync(DiabetesPredict, Instance()), HttpStatusCode.TooManyRequests);
        await HttpAssert.OkJsonAsync(await second.PostAsync(new Uri("/api/models/breast-cancer/versions/1/predict", UriKind.Relative), Json.Instances(breastCancer)));
    }

    [Theory]
    [InlineData(1000, 2000, 100, 0.1)]
    [InlineData(0.2, 5, 1, 5)]
    [InlineData(30, 0, 3, 0.1)]
    public void BucketOptions_RefillSmoothly(double rate, int burst, int expectedTokensPerPeriod, double expectedPeriodSeconds)
    {
        var options = RateLimitingServiceCollectionExtensions.BucketOptions(new TokenBucketSettings { PermitsPerSecond = rate, Burst = burst });

        Assert.Equal(expectedTokensPerPeriod, options.TokensPerPeriod);
        Assert.Equal(expectedPeriodSeconds, options.ReplenishmentPeriod.TotalSeconds, 1e-9);
        Assert.Equal(burst > 0 ? burst : (int)Math.Ceiling(rate), options.TokenLimit);
        Assert.Equal(0, options.QueueLimit);
    }

    private static StringContent Instance() => Json.Instances(SampleCases.Load("diabetes", "1").Cases[0].Instance);
}
