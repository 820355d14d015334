using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;
using Shipyard.Functions.CustomHandler;
using Shipyard.Functions.Tests.Infrastructure;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Functions.Tests.Hosting;

/// <summary>
/// The function app the build produces: host.json and every function.json valid against the official schemas, every
/// ASP.NET Core route reachable through a function with the same method, admin routes only through the admin-level
/// function, and the build output folder a complete function app (host.json, function folders, executable, models).
/// </summary>
public sealed class FunctionAppLayoutTests : IClassFixture<FunctionAppLayoutTests.Factory>
{
    private static readonly string FunctionsSource = Path.Combine(RepoPaths.Root, "src", "Shipyard.Functions", "functions");
    private readonly Factory _factory;

    public FunctionAppLayoutTests(Factory factory)
    {
        _factory = factory;
    }

    public static TheoryData<string> FunctionNames()
    {
        var data = new TheoryData<string>();
        foreach (var folder in Directory.EnumerateDirectories(FunctionsSource).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(folder));
        }

        return data;
    }

    [Fact]
    public async Task HostJson_ValidatesAgainstTheSchema_AndStartsTheExecutableWithProxying()
    {
        var result = await JsonSchemaValidator.ValidateFileAsync(Schema("host.json.schema.json"), Path.Combine(RepoPaths.Root, "host.json"));

        Assert.True(result.IsValid, result.ToString());
        using var host = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepoPaths.Root, "host.json")));
        var customHandler = host.RootElement.GetProperty("customHandler");
        Assert.Equal("Shipyard.Functions", customHandler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(customHandler.GetProperty("enableProxyingHttpRequest").GetBoolean());
        Assert.Equal(string.Empty, host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Theory]
    [MemberData(nameof(FunctionNames))]
    public async Task FunctionJson_ValidatesAgainstTheSchema(string function)
    {
        var result = await JsonSchemaValidator.ValidateFileAsync(Schema("function.json.schema.json"), Path.Combine(FunctionsSource, function, "function.json"));

        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void EveryHttpRoute_IsReachableThroughAFunctionWithTheSameMethod()
    {
        var functions = HttpFunctions();
        var unreachable = new List<string>();
        foreach (var (method, path) in AppRoutes())
        {
            var matches = functions.Where(f => f.Methods.Contains(method, StringComparer.OrdinalIgnoreCase) && Matches(f.Route, path)).ToArray();
            if (matches.Length == 0)
            {
                unreachable.Add($"{method} {path}");
            }
        }

        Assert.Empty(unreachable);
    }

    [Fact]
    public void AdminRoutes_OnlyThroughTheAdminLevelFunction_AndEverythingElseNotAdmin()
    {
        var functions = HttpFunctions();
        foreach (var (method, path) in AppRoutes())
        {
            var owners = functions.Where(f => f.Methods.Contains(method, StringComparer.OrdinalIgnoreCase) && Matches(f.Route, path)).ToArray();
            var isAdminRoute = path.StartsWith("/api/admin/", StringComparison.Ordinal);
            Assert.All(owners, f => Assert.Equal(isAdminRoute ? "admin" : f.AuthLevel == "anonymous" ? "anonymous" : "function", f.AuthLevel));
        }

        Assert.Equal("admin", functions.Single(f => f.Name == "Admin").AuthLevel);
    }

    [Fact]
    public void NonProxiedHttpFunctions_AreExactlyTheHttpFunctionFolders()
    {
        Assert.Equal(
            HttpFunctions().Select(f => f.Name).Order(StringComparer.Ordinal),
            HttpTriggerInvocationMiddleware.HttpFunctions.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void BuildOutput_IsACompleteFunctionApp()
    {
        var output = BuiltApp.Folder;

        Assert.True(File.Exists(Path.Combine(output, "host.json")), "host.json at the root");
        foreach (var function in HttpFunctions())
        {
            Assert.True(File.Exists(Path.Combine(output, function.Name, "function.json")), $"{function.Name}/function.json at the root");
        }

        Assert.True(File.Exists(BuiltApp.Executable), "the executable host.json names");
        // A build without a runtime identifier keeps NuGet's native assets per platform; .NET loads them through deps.json.
        Assert.True(File.Exists(Path.Combine(output, "runtimes", "linux-x64", "native", "libonnxruntime.so")), "ONNX Runtime (Microsoft.ML.OnnxRuntime's native asset) in the build output");
        foreach (var (model, version) in SampleCases.Packages())
        {
            foreach (var file in new[] { "model.json", "model.onnx" })
            {
                Assert.True(File.Exists(Path.Combine(output, "models", model, version, file)), $"bundled models/{model}/{version}/{file}");
            }
        }

        Assert.False(Directory.Exists(Path.Combine(output, "models", "training")), "training code is not deployed");
        Assert.False(Directory.Exists(Path.Combine(output, "functions")), "function folders are at the root, not under functions/");
    }

    private static string Schema(string name) => Path.Combine(RepoPaths.Root, "tests", "Shipyard.Functions.Tests", "Deployment", "Schemas", name);

    private static bool Matches(string routeTemplate, string path)
    {
        var matcher = new TemplateMatcher(TemplateParser.Parse(routeTemplate), new RouteValueDictionary());
        return matcher.TryMatch(new PathString(path), new RouteValueDictionary());
    }

    private static List<FunctionInfo> HttpFunctions()
    {
        var functions = new List<FunctionInfo>();
        foreach (var folder in Directory.EnumerateDirectories(FunctionsSource))
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "function.json")));
            foreach (var binding in json.RootElement.GetProperty("bindings").EnumerateArray())
            {
                if (binding.GetProperty("type").GetString() == "httpTrigger")
                {
                    functions.Add(new FunctionInfo(
                        Path.GetFileName(folder),
                        binding.GetProperty("route").GetString()!,
                        [.. binding.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!)],
                        binding.TryGetProperty("authLevel", out var level) ? level.GetString()! : "function"));
                }
            }
        }

        return functions;
    }

    private IEnumerable<(string Method, string Path)> AppRoutes()
    {
        var sources = _factory.App.Services.GetServices<EndpointDataSource>();
        foreach (var endpoint in sources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var pattern = endpoint.RoutePattern;
            var path = "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal => literal.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "version" } => "2",
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => "breast-cancer",
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternSeparatorPart separator => separator.Content,
                _ => string.Empty,
            }))));
            foreach (var method in methods)
            {
                // POST /{FunctionName} endpoints are how the host invokes functions (HTTP ones wrapped, and the non-HTTP
                // triggers such as BatchScore or DriftCheck mapped with MapInvocation); they are not caller routes.
                var name = path.TrimStart('/');
                if (pattern.PathSegments.Count == 1 &&
                    (HttpTriggerInvocationMiddleware.HttpFunctions.ContainsKey(name) || Directory.Exists(Path.Combine(FunctionsSource, name))))
                {
                    continue;
                }

                yield return (method, path);
            }
        }
    }

    private sealed record FunctionInfo(string Name, string Route, string[] Methods, string AuthLevel);

    public sealed class Factory() : ShipyardFactoryFixture(ShipyardApplicationFactory.WithKeys());
}
