using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Shipyard.Storage;
using Shipyard.Telemetry;

namespace Shipyard.Monitoring;

/// <summary>
/// Sends retraining requests to the <see cref="QueueName"/> queue (storage queue in Azure, the file queue in
/// standalone mode — the Functions queue output binding writes the same message) and, when a webhook is
/// configured (<c>DRIFT_WEBHOOK_URL</c>), POSTs the same JSON there in the background with retries
/// (<see cref="WebhookAttempts"/> attempts, exponential back-off), so a slow or failing receiver never
/// delays or fails the drift check. Failures are logged with the URL redacted (<see cref="UrlRedaction"/>); user
/// information in the URL is sent as HTTP Basic credentials.
/// </summary>
public sealed partial class RetrainNotifier : IRetrainNotifier
{
    /// <summary>The queue retraining requests go to.</summary>
    public const string QueueName = "retrain-requests";

    /// <summary>Attempts per webhook delivery.</summary>
    public const int WebhookAttempts = 4;

    private readonly IMessageQueue _queue;
    private readonly HttpClient? _http;
    private readonly Uri? _webhook;
    private readonly ILogger _logger;
    private readonly TimeSpan _firstBackoff;
    private readonly List<Task> _pending = [];
    private readonly Lock _gate = new();

    /// <summary>A notifier writing to <paramref name="queue"/> and, when <paramref name="webhook"/> is set, to that URL through <paramref name="http"/>.</summary>
    public RetrainNotifier(IMessageQueue queue, ILogger<RetrainNotifier> logger, HttpClient? http = null, Uri? webhook = null, TimeSpan? firstBackoff = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(logger);
        if (webhook is not null && http is null)
        {
            throw new ArgumentException("A webhook needs an HttpClient.", nameof(http));
        }

        _queue = queue;
        _logger = logger;
        _http = http;
        _webhook = webhook;
        _firstBackoff = firstBackoff ?? TimeSpan.FromSeconds(1);
    }

    /// <inheritdoc/>
    public async Task NotifyAsync(RetrainRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var json = JsonSerializer.Serialize(request, JsonSerializerOptions.Web);
        await _queue.CreateQueueIfNotExistsAsync(QueueName, cancellationToken).ConfigureAwait(false);
        await _queue.SendAsync(QueueName, json, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (_webhook is not null)
        {
            var delivery = Task.Run(() => DeliverWebhookAsync(request), CancellationToken.None);
            lock (_gate)
            {
                _pending.RemoveAll(t => t.IsCompleted);
                _pending.Add(delivery);
            }
        }
    }

    /// <summary>Completes when every webhook delivery started so far has succeeded or given up (for shutdown and tests).</summary>
    public Task WhenWebhooksCompleteAsync()
    {
        lock (_gate)
        {
            return Task.WhenAll([.. _pending]);
        }
    }

    private async Task DeliverWebhookAsync(RetrainRequest request)
    {
        // Webhook URLs carry their secret in the query (?token=), the user information or, for Slack- and Teams-style
        // hooks, the path: the log names only the endpoint.
        var target = UrlRedaction.Redact(_webhook!, pathIsSecret: true);
        var delay = _firstBackoff;
        for (var attempt = 1; attempt <= WebhookAttempts; attempt++)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                using var message = new HttpRequestMessage(HttpMethod.Post, _webhook)
                {
                    Content = JsonContent.Create(request, options: JsonSerializerOptions.Web),
                };
                message.Headers.Authorization = UrlCredentials.BasicAuthorization(_webhook!);
                using var response = await _http!.SendAsync(message, timeout.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                LogWebhookStatus(_logger, target, (int)response.StatusCode, attempt, WebhookAttempts);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                LogWebhookError(_logger, target, ex.Message, attempt, WebhookAttempts);
            }

            if (attempt < WebhookAttempts)
            {
                await Task.Delay(delay).ConfigureAwait(false);
                delay *= 2;
            }
        }

        LogWebhookGaveUp(_logger, target, request.Model, request.Version, QueueName);
    }

    [LoggerMessage(EventId = 7011, Level = LogLevel.Warning, Message = "Retrain webhook {Webhook} answered {Status} (attempt {Attempt} of {Attempts})")]
    private static partial void LogWebhookStatus(ILogger logger, string webhook, int status, int attempt, int attempts);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Warning, Message = "Retrain webhook {Webhook} failed: {Error} (attempt {Attempt} of {Attempts})")]
    private static partial void LogWebhookError(ILogger logger, string webhook, string error, int attempt, int attempts);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Error, Message = "Retrain webhook {Webhook} gave up for {Model} v{Version}; the request is still on queue {Queue}")]
    private static partial void LogWebhookGaveUp(ILogger logger, string webhook, string model, string version, string queue);
}
