using System.Text.Json;
using Shipyard.Scoring;
using Shipyard.Storage;
using Shipyard.Streaming;
using Shipyard.Tests.Batch;
using Shipyard.Tests.Models;
using Shipyard.Testing;

namespace Shipyard.Tests.Streaming;

/// <summary>
/// The streaming core over real parts: the bundled ORT models (<see cref="TestWorld"/>), a real message queue and a
/// real blob store for the id markers — the embedded file store and file queue, or Azurite when a fixture is given.
/// The queue is wrapped in <see cref="HookedMessageQueue"/> so a test can fail a send (a storage fault mid-message).
/// </summary>
internal sealed class StreamWorld : IAsyncDisposable
{
    private StreamWorld(TestWorld models, IBlobStore markers, IMessageQueue queue, StreamOptions options, TimeProvider time)
    {
        Models = models;
        Markers = new CountingBlobStore(markers);
        Queue = new HookedMessageQueue(queue);
        Options = options;
        Time = time;
        // The reply queues the tests name (sensor-results exists; nobody-listens does not): allowed, as an operator would list them.
        Scorer = new StreamScorer(models.Service, options.ReplyQueues.Count > 0 ? options : options with { ReplyQueues = ["sensor-results", "nobody-listens"] });
        Deduplicator = new StreamDeduplicator(Markers, options, time);
        Processor = new StreamProcessor(Scorer, Deduplicator, Queue, options, Telemetry);
    }

    public TestWorld Models { get; }

    /// <summary>The marker store (counting calls).</summary>
    public CountingBlobStore Markers { get; }

    public HookedMessageQueue Queue { get; }

    public StreamOptions Options { get; }

    public TimeProvider Time { get; }

    public RecordingTelemetry Telemetry { get; } = new();

    public StreamScorer Scorer { get; }

    public StreamDeduplicator Deduplicator { get; }

    public StreamProcessor Processor { get; }

    /// <summary>
    /// A world with the request, poison and result queues created. Without <paramref name="azurite"/> the markers and
    /// the queue are files under the model world's temporary folder.
    /// </summary>
    public static async Task<StreamWorld> StartAsync(AzuriteFixture? azurite = null, StreamOptions? options = null, TimeProvider? time = null, Action<ShipyardOptions>? configure = null, bool startRegistry = true, string[]? copyModels = null)
    {
        var models = await TestWorld.StartAsync(copyModels, configure: o =>
        {
            o.PredictionLogSampleRate = 0;
            configure?.Invoke(o);
        }, start: startRegistry);
        IBlobStore markers;
        IMessageQueue queue;
        if (azurite is null)
        {
            markers = new FileBlobStore(Path.Combine(models.Root, "markers"));
            queue = new FileMessageQueue(Path.Combine(models.Root, "queues"));
        }
        else
        {
            var connection = StorageConnection.Parse(azurite.ConnectionString);
            markers = new AzureBlobStore(connection);
            queue = new AzureMessageQueue(connection);
        }

        var world = new StreamWorld(models, markers, queue, options ?? new StreamOptions(), time ?? TimeProvider.System);
        foreach (var name in (string[])[StreamQueues.RequestQueue, StreamQueues.PoisonQueue, StreamQueues.ResultQueue])
        {
            await queue.CreateQueueIfNotExistsAsync(name);

            // Azurite is shared by the tests of a class (they run one after another): start from empty queues.
            await world.DrainAsync(name);
        }

        return world;
    }

    /// <summary>A request message's text.</summary>
    public static string Message(string id, string model, JsonElement instances, string? version = "1", string? replyTo = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?> { ["id"] = id, ["model"] = model, ["version"] = version, ["instances"] = instances, ["replyTo"] = replyTo }
            .Where(p => p.Value is not null).ToDictionary());

    /// <summary>Every message now visible in <paramref name="queue"/>, received and deleted.</summary>
    public async Task<List<JsonElement>> DrainAsync(string queue)
    {
        var all = new List<JsonElement>();
        while (true)
        {
            var batch = await Queue.Inner.ReceiveAsync(queue, 32, TimeSpan.FromMinutes(1));
            if (batch.Count == 0)
            {
                return all;
            }

            foreach (var m in batch)
            {
                all.Add(JsonDocument.Parse(m.Text).RootElement.Clone());
                await Queue.Inner.DeleteAsync(queue, m.MessageId, m.PopReceipt);
            }
        }
    }

    public async ValueTask DisposeAsync() => await Models.DisposeAsync();
}
