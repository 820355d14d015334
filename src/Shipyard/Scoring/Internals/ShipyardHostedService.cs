using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Shipyard.Models;
using Shipyard.Models.Internals;

namespace Shipyard.Scoring.Internals;

/// <summary>
/// Loads the registry in the background (start returns at once, so Kestrel listens immediately and health answers 503
/// naming the models still loading until the initial load is done), then polls it every <c>RegistryPollInterval</c>,
/// and flushes the prediction log when the host stops (the writer flushes again on dispose for requests that finished
/// after this service stopped).
/// </summary>
internal sealed class ShipyardHostedService(ModelRegistry registry, PredictionLogWriter log, IOptions<ShipyardOptions> options, ILogger<ShipyardHostedService>? logger = null) : IHostedService, IDisposable
{
    private static readonly TimeSpan StartRetryDelay = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private Task? _background;
    private int _disposed;

    /// <summary>The background initial load (and then the poll loop); completes when the host stops.</summary>
    internal Task Background => _background ?? Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _background = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // A torn-down host (e.g. WebApplicationFactory disposal) may dispose this service before stopping it;
            // Dispose already cancelled the background loop, and the log still needs its flush below.
        }

        if (_background is not null)
        {
            await _background.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        await log.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel();
            _stopping.Dispose();
        }
    }

    private async Task RunAsync()
    {
        try
        {
            // The store may be unreachable at start: keep trying (health stays 503) instead of failing the host.
            while (true)
            {
                try
                {
                    await registry.StartAsync(_stopping.Token).ConfigureAwait(false);
                    break;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && ex is not ObjectDisposedException)
                {
                    RegistryLog.PollFailed(_logger, ex);
                    await Task.Delay(StartRetryDelay, _stopping.Token).ConfigureAwait(false);
                }
            }

            var interval = options.Value.RegistryPollInterval;
            if (interval > TimeSpan.Zero)
            {
                await PollAsync(interval).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
            // The registry was disposed while loading (host torn down): nothing left to do.
        }
    }

    private async Task PollAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
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
}
