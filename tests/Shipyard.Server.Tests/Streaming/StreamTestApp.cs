using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shipyard.Server.Streaming;
using Shipyard.Streaming;
using Shipyard.Server.Tests.Infrastructure;
using Shipyard.Storage;
using Shipyard.Telemetry;

namespace Shipyard.Server.Tests.Streaming;

/// <summary>
/// The real app with the stream poller registered but not started (tests drive <see cref="StreamQueuePoller.PollOnceAsync"/>),
/// its message queue wrapped in <see cref="FaultyQueueClient"/> and telemetry recorded. Storage: Azurite when a connection string is
/// given, else the embedded file store.
/// </summary>
public sealed class StreamTestApp : IAsyncDisposable
{
    private readonly ShipyardApplicationFactory _factory;
    private readonly WebApplicationFactory<Program> _app;

    public StreamTestApp(string? connectionString = null, int maxDequeue = 5)
    {
        var settings = ShipyardApplicationFactory.WithKeys(new Dictionary<string, string?>
        {
            ["Shipyard:Streaming:PollerEnabled"] = "false",
            ["Shipyard:Batch:Watcher:Enabled"] = "false",
            ["STREAM_MAX_DEQUEUE"] = maxDequeue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AzureWebJobsStorage"] = connectionString,
        });
        _factory = new ShipyardApplicationFactory(settings);
        _app = _factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IShipyardTelemetry>(Telemetry);
            services.AddSingleton<IMessageQueue>(sp => Queue ??= new FaultyQueueClient(StorageFactory.Select(sp.GetRequiredService<IConfiguration>()).CreateMessageQueue()));
        }));
    }

    public RecordingTelemetry Telemetry { get; } = new();

    public FaultyQueueClient? Queue { get; private set; }

    public IServiceProvider Services => _app.Services;

    public StreamQueuePoller Poller => _app.Services.GetRequiredService<StreamQueuePoller>();

    public async Task<HttpClient> StartAsync()
    {
        var client = _app.CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", ShipyardApplicationFactory.AdminKey);
        await ShipyardApplicationFactory.WaitUntilReadyAsync(client);
        _ = _app.Services.GetRequiredService<IMessageQueue>();
        await Poller.EnsureQueuesAsync();
        return client;
    }

    /// <summary>Every message now visible in <paramref name="queue"/>, received and deleted.</summary>
    public async Task<List<JsonElement>> DrainAsync(string queue)
    {
        var all = new List<JsonElement>();
        while (true)
        {
            var batch = await Queue!.Inner.ReceiveAsync(queue, 32, TimeSpan.FromMinutes(1));
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

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _factory.DisposeAsync();
    }

    /// <summary>Telemetry events by name.</summary>
    public sealed class RecordingTelemetry : IShipyardTelemetry
    {
        public ConcurrentQueue<(string Name, IReadOnlyDictionary<string, string>? Properties)> Events { get; } = new();

        public void TrackEvent(string name, IReadOnlyDictionary<string, string>? properties = null) => Events.Enqueue((name, properties));

        public void TrackMetric(string name, double value, IReadOnlyDictionary<string, string>? properties = null)
        {
        }

        public void TrackModelLoaded(string model, string version, TimeSpan elapsed, bool success, string? errorMessage)
        {
        }

        public void TrackPrediction(string model, string version, int rows, TimeSpan elapsed, bool success)
        {
        }
    }

    /// <summary>The real queue, with a hook that can fail sends (a crash or a storage fault mid-message).</summary>
    public sealed class FaultyQueueClient(IMessageQueue inner) : IMessageQueue
    {
        public IMessageQueue Inner { get; } = inner;

        /// <summary>Called before each send with (queue, text); throw to fail it.</summary>
        public Action<string, string>? BeforeSend { get; set; }

        public Task<bool> CreateQueueIfNotExistsAsync(string queue, CancellationToken cancellationToken = default) => Inner.CreateQueueIfNotExistsAsync(queue, cancellationToken);

        public Task<QueueReceipt> SendAsync(string queue, string text, QueueSendOptions? options = null, CancellationToken cancellationToken = default)
        {
            BeforeSend?.Invoke(queue, text);
            return Inner.SendAsync(queue, text, options, cancellationToken);
        }

        public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default) => Inner.ReceiveAsync(queue, maxMessages, visibilityTimeout, cancellationToken);

        public Task<IReadOnlyList<PeekedQueueMessage>> PeekAsync(string queue, int maxMessages = 1, CancellationToken cancellationToken = default) => Inner.PeekAsync(queue, maxMessages, cancellationToken);

        public Task DeleteAsync(string queue, string messageId, string popReceipt, CancellationToken cancellationToken = default) => Inner.DeleteAsync(queue, messageId, popReceipt, cancellationToken);

        public Task<QueueReceipt> UpdateAsync(string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, string? text = null, CancellationToken cancellationToken = default) => Inner.UpdateAsync(queue, messageId, popReceipt, visibilityTimeout, text, cancellationToken);
    }
}
