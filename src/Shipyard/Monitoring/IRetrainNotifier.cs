namespace Shipyard.Monitoring;

/// <summary>Sends a retraining request when a drift check finds drift (a seam: queue + webhook, or a test double).</summary>
public interface IRetrainNotifier
{
    /// <summary>
    /// Sends the request. Must not block on slow external parties: the durable part (the queue message) is awaited,
    /// anything else (webhooks) runs in the background.
    /// </summary>
    Task NotifyAsync(RetrainRequest request, CancellationToken cancellationToken = default);
}
