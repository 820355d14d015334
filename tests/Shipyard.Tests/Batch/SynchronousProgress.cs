namespace Shipyard.Tests.Batch;

/// <summary>An <see cref="IProgress{T}"/> that runs the callback inline (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

/// <summary>Non-generic factory so call sites infer the type.</summary>
internal static class SynchronousProgress
{
    public static SynchronousProgress<Shipyard.Batch.BatchProgress> Create(Action<Shipyard.Batch.BatchProgress> report) => new(report);
}
