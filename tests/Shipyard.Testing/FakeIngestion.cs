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
