namespace Shipyard.Models;

// Temporary bodies so the interface compiles while the implementation is written.
public sealed partial class ModelRegistry
{
    private volatile bool _ready;

    public partial Task StartAsync(CancellationToken cancellationToken)
    {
        _ready = false;
        throw new NotImplementedException();
    }

    public partial IReadOnlyList<ModelInfo> List() => throw new NotImplementedException();

    public partial ModelInfo? Find(string name) => throw new NotImplementedException();

    public partial Task RefreshAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public partial Task<ModelRouting> PromoteAsync(string name, string alias, string version, CancellationToken cancellationToken) => throw new NotImplementedException();

    public partial Task<ModelRouting> SetRoutingAsync(string name, ModelRouting routing, CancellationToken cancellationToken) => throw new NotImplementedException();

    public partial Task<ModelRouting> RollbackAsync(string name, CancellationToken cancellationToken) => throw new NotImplementedException();

    public partial Task<ModelVersionInfo> UploadVersionAsync(string name, string version, Stream zipPackage, CancellationToken cancellationToken) => throw new NotImplementedException();

    public partial ModelRouting GetRouting(string name) => throw new NotImplementedException();

    public partial ModelLease Acquire(string name, string version) => throw new NotImplementedException();

    public partial ValueTask DisposeAsync() => throw new NotImplementedException();
}
