using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shipyard.Functions.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Functions.Tests;

/// <summary>Every route the standalone server maps is an HTTP function of the function app, with the same method, and no other
/// (the server's gRPC service aside: Functions HTTP triggers cannot carry gRPC).</summary>
public sealed class HttpRouteParityTests
{
    // Built from the minimal API endpoints' metadata: only the server serves it.
    private static readonly HashSet<string> ServerOnly = new(StringComparer.Ordinal) { "GET /api/openapi.json" };

    [Fact]
    public void ServerRoutes_AreExactlyTheFunctionRoutes()
    {
        using var server = new StandaloneServer();
        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Grpc.AspNetCore.Server.GrpcMethodMetadata>() is null)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} /{e.RoutePattern.RawText!.Trim('/')}"))
            .Where(r => !ServerOnly.Contains(r))
            .Order(StringComparer.Ordinal)
            .ToArray();

        using var metadata = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(FunctionApp.Folder, "functions.metadata")));
        var functions = metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
            .SelectMany(b => b.GetProperty("methods").EnumerateArray().Select(m => $"{m.GetString()!.ToUpperInvariant()} /{b.GetProperty("route").GetString()}"))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.NotEmpty(routes);
        Assert.Equal(routes, functions);
    }
}
