using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Monitoring;
using Shipyard.Storage;
using Shipyard.Telemetry;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Monitoring;

/// <summary>
/// The real app with keys, the bundled models, a fresh file store, a <see cref="ShiftableClock"/> and
/// <see cref="RecordingTelemetry"/>; the standalone drift scheduler is off unless the settings turn it on.
/// </summary>
public sealed class DriftTestApp : IDisposable
{
    private readonly ShipyardApplicationFactory _factory;
    private readonly WebApplicationFactory<Program> _app;

    /// <summary>
    /// Starts the app with <paramref name="settings"/> on top of the keys, "scheduler off" and "no prediction log rate
    /// cap": a test posts its rows faster than 100 a second, and the cap (<c>PredictionLog:MaxRowsPerSecond</c>, tested in
    /// the scoring tests) would log only the first 100 of each second.
    /// </summary>
    public DriftTestApp(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Shipyard:Drift:Scheduler:Enabled"] = "false",
            ["Shipyard:PredictionLog:MaxRowsPerSecond"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        _factory = new ShipyardApplicationFactory(ShipyardApplicationFactory.WithKeys(all));
        _app = _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            services.RemoveAll<IShipyardTelemetry>();
            services.AddSingleton<IShipyardTelemetry>(Telemetry);
        }));
    }

    /// <summary>The app's clock.</summary>
    public ShiftableClock Clock { get; } = new();

    /// <summary>What the app emitted.</summary>
    public RecordingTelemetry Telemetry { get; } = new();

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The embedded store's folder (when no AzureWebJobsStorage is set).</summary>
    public string DataPath => _factory.DataPath;

    /// <summary>The app's blob store.</summary>
    public IBlobStore Store => Services.GetRequiredService<IBlobStore>();

    /// <summary>A client with <paramref name="key"/> (default the function key), after the registry has loaded.</summary>
    public async Task<HttpClient> ClientAsync(string? key = ShipyardApplicationFactory.FunctionKey)
    {
        var client = _app.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        await ShipyardApplicationFactory.WaitUntilReadyAsync(client);
        return client;
    }

    /// <summary>Rows of models/breast-cancer/data/<paramref name="file"/> as predict instances.</summary>
    public static IReadOnlyList<Dictionary<string, double>> BreastCancerRows(string file, int? take = null)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Models, "breast-cancer", "data", file));
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Where(l => l.Length > 0).Take(take ?? int.MaxValue).Select(line =>
        {
            var cells = line.Split(',');
            var row = new Dictionary<string, double>(header.Length);
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = double.Parse(cells[i], CultureInfo.InvariantCulture);
            }

            return row;
        })];
    }

    /// <summary>Sends the rows through <c>POST /api/models/breast-cancer/versions/1/predict</c> over HTTP (in requests of 50).</summary>
    public async Task PredictAsync(IReadOnlyList<Dictionary<string, double>> rows)
    {
        using var client = await ClientAsync();
        foreach (var chunk in rows.Chunk(50))
        {
            using var response = await client.PostAsync(new Uri("/api/models/breast-cancer/versions/1/predict", UriKind.Relative), Json.Instances(chunk));
            var body = await HttpAssert.OkJsonAsync(response);
            Assert.Equal(chunk.Length, body.GetProperty("predictions").GetArrayLength());
        }
    }

    /// <summary>Runs the drift check once, as the DriftCheck timer and the scheduler do; the outcomes as JSON (camelCase).</summary>
    public async Task<JsonElement> InvokeDriftCheckAsync()
    {
        using var started = await ClientAsync(ShipyardApplicationFactory.AdminKey); // the app is started and its registry loaded
        var outcomes = await Services.GetRequiredService<DriftCheckJob>().RunAsync();
        return JsonSerializer.SerializeToElement(outcomes, JsonSerializerOptions.Web);
    }

    /// <summary>The outcome for <paramref name="model"/> v<paramref name="version"/> among <see cref="InvokeDriftCheckAsync"/>'s outcomes.</summary>
    public static JsonElement Outcome(JsonElement outcomes, string model, string version) =>
        outcomes.EnumerateArray()
            .Single(o => o.GetProperty("model").GetString() == model && o.GetProperty("version").GetString() == version);

    /// <summary>A JSON report from drift-reports.</summary>
    public async Task<JsonElement> ReadReportAsync(string blobName)
    {
        using var document = JsonDocument.Parse(await Store.ReadAllBytesAsync("drift-reports", blobName));
        return document.RootElement.Clone();
    }

    /// <summary>Messages waiting on retrain-requests (none when the queue was never created).</summary>
    public async Task<IReadOnlyList<RetrainRequest>> RetrainRequestsAsync()
    {
        var queue = Services.GetRequiredService<IMessageQueue>();
        try
        {
            var messages = await queue.PeekAsync(RetrainNotifier.QueueName, 32);
            return [.. messages.Select(m => JsonSerializer.Deserialize<RetrainRequest>(m.Text, JsonSerializerOptions.Web)!)];
        }
        catch (QueueNotFoundException)
        {
            return [];
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _app.Dispose();
        _factory.Dispose();
    }
}
