using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Shipyard.Models;
using Shipyard.Models.Internals;

namespace Shipyard.Scoring.Internals;

/// <summary>
/// Starts the registry before the server takes requests (so the first request finds the models loaded), polls it
/// every <c>RegistryPollInterval</c>, and flushes the prediction log when the host stops (the writer flushes again on
/// dispose for requests that finished after this service stopped).
/// </summary>
internal sealed class ShipyardHostedService(ModelRegistry registry, PredictionLogWriter log, IOptions<ShipyardOptions> options, ILogger<ShipyardHostedService>? logger = null) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private Task? _poll;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await registry.StartAsync(cancellationToken).ConfigureAwait(false);
        var interval = options.Value.RegistryPollInterval;
        if (interval > TimeSpan.Zero)
        {
            _poll = Task.Run(() => PollAsync(interval), CancellationToken.None);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_poll is not null)
        {
            await _poll.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        await log.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    private async Task PollAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    await registry.RefreshAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ex is not ObjectDisposedException)
                {
                    RegistryLog.PollFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }
}
