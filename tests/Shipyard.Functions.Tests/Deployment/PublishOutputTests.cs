using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace Shipyard.Functions.Tests.Deployment;

/// <summary>
/// The published package has the layout the Functions host needs for a custom handler (host.json at the root, one
/// folder per function with its function.json, the executable host.json names, the ONNX Runtime library) and the
/// executable serves the host's requests on FUNCTIONS_CUSTOMHANDLER_PORT.
/// </summary>
public sealed class PublishOutputTests(PublishedFunctionApp app) : IClassFixture<PublishedFunctionApp>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private string ExecutableName =>
        (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(app.Folder, "host.json")))!["customHandler"]?["description"]?["defaultExecutablePath"]
        ?? throw new InvalidOperationException("host.json has no customHandler.description.defaultExecutablePath.");

    [Fact]
    public void Package_HasHostJsonAtRootAsInTheRepository()
    {
        var published = Path.Combine(app.Folder, "host.json");

        Assert.True(File.Exists(published), $"host.json missing from the package root.{Environment.NewLine}{app.Log}");
        Assert.Equal(File.ReadAllText(DeploymentFiles.HostJson), File.ReadAllText(published));
    }

    [Fact]
    public void Package_HasEveryFunctionFolderWithItsFunctionJson()
    {
        var sources = DeploymentFiles.FunctionJsonFiles().ToList();

        Assert.NotEmpty(sources);
        foreach (var source in sources)
        {
            var name = Path.GetFileName(Path.GetDirectoryName(source))!;
            var published = Path.Combine(app.Folder, name, "function.json");
            Assert.True(File.Exists(published), $"{name}/function.json missing from the package root");
            Assert.Equal(File.ReadAllText(source), File.ReadAllText(published));
        }
    }

    [Fact]
    public void Package_HasExecutableNamedByHostJsonAndOnnxRuntime()
    {
        var executable = Path.Combine(app.Folder, ExecutableName);
        var ort = Path.Combine(app.Folder, "libonnxruntime.so");

        Assert.True(File.Exists(executable), $"{ExecutableName} missing from the package root");
        if (!OperatingSystem.IsWindows())
        {
            // The host starts the handler by path: without the execute bit the app never comes up.
            Assert.True(File.GetUnixFileMode(executable).HasFlag(UnixFileMode.UserExecute), $"{ExecutableName} is not executable");
        }

        Assert.True(File.Exists(ort), "libonnxruntime.so (Microsoft.ML.OnnxRuntime's native library) missing from the package root");
        Assert.Equal("\u007fELF"u8.ToArray(), File.ReadAllBytes(ort)[..4]);
        // Self-contained: the instance needs no .NET installation.
        Assert.True(File.Exists(Path.Combine(app.Folder, "libcoreclr.so")), "the package is not self-contained (libcoreclr.so missing)");
    }

    [Fact]
    public async Task Executable_UnderFunctionsHostPort_AnswersHealthAndHttpInvocation()
    {
        var port = FreePort();
        var start = new ProcessStartInfo(Path.Combine(app.Folder, ExecutableName))
        {
            WorkingDirectory = app.Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AzureWebJobsStorage", StringComparison.OrdinalIgnoreCase) || k.StartsWith("APPLICATIONINSIGHTS", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        var dataPath = Path.Combine(app.Folder, ".shipyard-test-data");
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Shipyard__DataPath"] = dataPath;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {ExecutableName}.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            var health = await WaitForHealthAsync(http, process, output);
            Assert.Equal(HttpStatusCode.OK, health);

            // A non-proxied HTTP trigger invocation, as the host sends when enableProxyingHttpRequest is off.
            const string Invocation = """{"Data":{"req":{"Url":"http://localhost:7071/api/health","Method":"GET","Query":{},"Headers":{},"Params":{}}},"Metadata":{}}""";
            using var response = await http.PostAsync(new Uri("/Health", UriKind.Relative), new StringContent(Invocation, Encoding.UTF8, "application/json"));
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(200, (int?)JsonNode.Parse(body)?["Outputs"]?["res"]?["statusCode"]);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            if (Directory.Exists(dataPath))
            {
                Directory.Delete(dataPath, recursive: true);
            }
        }
    }

    private static async Task<HttpStatusCode> WaitForHealthAsync(HttpClient http, Process process, StringBuilder output)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        HttpStatusCode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The handler exited with code {process.ExitCode}:{Environment.NewLine}{output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/api/health", UriKind.Relative));
                last = response.StatusCode;
                if (last == HttpStatusCode.OK)
                {
                    return last.Value;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"/api/health did not answer 200 within {StartTimeout} (last: {last?.ToString() ?? "no answer"}).{Environment.NewLine}{output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
