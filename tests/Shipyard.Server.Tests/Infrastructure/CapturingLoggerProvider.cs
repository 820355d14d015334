using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Shipyard.Server.Tests.Infrastructure;

/// <summary>Keeps every formatted log message (and exception text) written through it, for "never logged" checks.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    /// <summary>Everything logged so far.</summary>
    public IReadOnlyCollection<string> Messages => _messages;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _messages);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = $"{logLevel} {category}: {formatter(state, exception)} {exception}";
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                text += " " + string.Join(" ", values.Select(v => $"{v.Key}={v.Value}"));
            }

            messages.Enqueue(text);
        }
    }
}
