using System.Text.Json;

namespace Shipyard.Testing;

/// <summary>
/// A loopback Application Insights ingestion endpoint: the real Azure Monitor exporter of the app under test posts its
/// envelopes here (and Live Metrics its pings), exactly as it would to Azure. It keeps every (gunzipped) body, so a test
/// reads what the app really sent: the envelopes Application Insights turns into <c>customEvents</c>,
/// <c>customMetrics</c>, <c>requests</c>, <c>dependencies</c>, <c>traces</c> and <c>exceptions</c>.
/// </summary>
public sealed class FakeIngestion : IDisposable
{
    /// <summary>The instrumentation key of <see cref="ConnectionString"/>.</summary>
    public const string InstrumentationKey = "11111111-2222-3333-4444-555555555555";

    private readonly LoopbackEndpoint _endpoint = new() { Reply = _ => (200, "{\"itemsReceived\":1,\"itemsAccepted\":1,\"errors\":[]}") };

    /// <summary>The endpoint's base address.</summary>
    public string Address => _endpoint.Address;

    /// <summary>A connection string that sends telemetry and Live Metrics here (and nowhere else).</summary>
    public string ConnectionString => $"InstrumentationKey={InstrumentationKey};IngestionEndpoint={Address};LiveEndpoint={Address}";

    /// <summary>Every body received so far, one string each.</summary>
    public string AllText => string.Join('\n', _endpoint.Requests.Select(r => r.Body));

    /// <summary>The telemetry envelopes received so far (Live Metrics pings and anything not an envelope left out).</summary>
    public IReadOnlyList<JsonElement> Envelopes()
    {
        var envelopes = new List<JsonElement>();
        foreach (var line in _endpoint.Requests.SelectMany(r => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            try
            {
                using var document = JsonDocument.Parse(line);
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("data", out var data)
                    && data.TryGetProperty("baseType", out _))
                {
                    envelopes.Add(document.RootElement.Clone());
                }
            }
            catch (JsonException)
            {
            }
        }

        return envelopes;
    }

    /// <summary>
    /// Of <paramref name="envelopes"/>, those of <paramref name="baseType"/> (<c>EventData</c> → customEvents,
    /// <c>MetricData</c> → customMetrics, <c>RequestData</c> → requests, <c>RemoteDependencyData</c> → dependencies)
    /// named <paramref name="name"/> (any name when null).
    /// </summary>
    public static IEnumerable<JsonElement> Items(IEnumerable<JsonElement> envelopes, string baseType, string? name = null) =>
        envelopes.Where(e => e.GetProperty("data").GetProperty("baseType").GetString() == baseType && (name is null || Name(e) == name));

    /// <summary>An envelope's <c>data.baseData</c>: the item itself.</summary>
    public static JsonElement Data(JsonElement envelope) => envelope.GetProperty("data").GetProperty("baseData");

    /// <summary><c>customDimensions.&lt;name&gt;</c> of KQL: the item's <c>properties.&lt;name&gt;</c>; null when absent.</summary>
    public static string? Property(JsonElement envelope, string name) =>
        Data(envelope).TryGetProperty("properties", out var properties) && properties.TryGetProperty(name, out var value) ? value.GetString() : null;

    // Events and requests carry their name in baseData.name, metrics in baseData.metrics[0].name.
    private static string? Name(JsonElement envelope) =>
        Data(envelope).TryGetProperty("name", out var name) ? name.GetString()
        : Data(envelope).TryGetProperty("metrics", out var metrics) ? metrics[0].GetProperty("name").GetString()
        : null;

    /// <summary>Waits until <paramref name="condition"/> holds for the envelopes received; throws with all received on timeout.</summary>
    public async Task<IReadOnlyList<JsonElement>> WaitForAsync(Func<IReadOnlyList<JsonElement>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var envelopes = Envelopes();
            if (condition(envelopes))
            {
                return envelopes;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("Telemetry not received; got: " + AllText);
    }

    /// <inheritdoc />
    public void Dispose() => _endpoint.Dispose();
}
