using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shipyard.Models;
using Shipyard.Testing;

namespace Shipyard.Server.Tests.Infrastructure;

/// <summary>
/// The real app (Program) in-process over TestServer, with the repository's bundled models, a fresh embedded file
/// store in a temporary folder, and settings given per test class. Production environment unless told otherwise, so
/// auth behaves as deployed.
/// </summary>
public sealed class ShipyardApplicationFactory : WebApplicationFactory<Program>
{
    /// <summary>The function key configured by <see cref="WithKeys"/>.</summary>
    public const string FunctionKey = "test-function-key-7f3a";

    /// <summary>A second function key configured by <see cref="WithKeys"/>.</summary>
    public const string OtherFunctionKey = "test-function-key-other-19bc";

    /// <summary>The admin key configured by <see cref="WithKeys"/>.</summary>
    public const string AdminKey = "test-admin-key-c41d";

    private readonly Dictionary<string, string?> _settings;
    private readonly string _environment;

    /// <summary>Creates the factory; <paramref name="settings"/> are configuration keys (<c>Shipyard:Auth:AdminKey</c>).</summary>
    public ShipyardApplicationFactory(IReadOnlyDictionary<string, string?>? settings = null, string environment = "Production")
    {
        DataPath = Path.Combine(Path.GetTempPath(), $"shipyard-functions-tests-{Guid.NewGuid():N}");
        _environment = environment;
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Shipyard:ModelsPath"] = RepoPaths.Models,
            ["Shipyard:DataPath"] = DataPath,
            ["Shipyard:RegistryPollInterval"] = "00:00:00",
            ["Shipyard:RateLimiting:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    /// <summary>Every log message the app wrote (at the configured levels).</summary>
    public CapturingLoggerProvider Logs { get; } = new();

    /// <summary>Keep <see cref="DataPath"/> on dispose (for tests that read what shutdown wrote); the test deletes it.</summary>
    public bool KeepDataPath { get; set; }

    /// <summary>The embedded store's folder (deleted on dispose unless <see cref="KeepDataPath"/>).</summary>
    public string DataPath { get; }

    /// <summary>Settings that configure <see cref="FunctionKey"/>, <see cref="OtherFunctionKey"/> and <see cref="AdminKey"/>.</summary>
    public static Dictionary<string, string?> WithKeys(IReadOnlyDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Shipyard:Auth:FunctionKeys:0"] = FunctionKey,
            ["Shipyard:Auth:FunctionKeys:1"] = OtherFunctionKey,
            ["Shipyard:Auth:AdminKey"] = AdminKey,
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A client that sends <paramref name="key"/> in <c>x-functions-key</c> (none when null).</summary>
    public HttpClient CreateClient(string? key)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        return client;
    }

    /// <summary>A client with the admin key, after waiting until the registry has loaded.</summary>
    public async Task<HttpClient> CreateReadyClientAsync(string? key = AdminKey)
    {
        var client = CreateClient(key);
        await WaitUntilReadyAsync(client).ConfigureAwait(false);
        return client;
    }

    /// <summary>Polls <c>/api/health</c> until 200 (60 s at most).</summary>
    public static async Task WaitUntilReadyAsync(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await client.GetAsync(new Uri("/api/health", UriKind.Relative)).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The app did not become ready: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>When true (default) the host is handed to tests only once the registry's background initial load is
    /// done, as if loading were synchronous; readiness tests set false to observe the 503 while loading.</summary>
    public bool WaitForModels { get; set; } = true;

    /// <inheritdoc />
    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        if (WaitForModels)
        {
            var registry = host.Services.GetRequiredService<ModelRegistry>();
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!registry.IsReady)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("The registry did not finish its initial load within 2 minutes.");
                }

                Thread.Sleep(20);
            }
        }

        return host;
    }

    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseEnvironment(_environment);
        builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(Logs));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && !KeepDataPath)
        {
            try
            {
                Directory.Delete(DataPath, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
            catch (IOException)
            {
                // A file still held by a dying handle; the temp folder is cleaned by the OS.
            }
        }
    }
}
