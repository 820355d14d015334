namespace Shipyard.Models;

// Temporary bodies so the interface compiles while the implementation is written.
public sealed partial class ModelLease
{
    internal ModelLease(ModelManifest manifest) => Manifest = manifest;

    /// <summary>Releases the hold on the session.</summary>
    public void Dispose()
    {
    }
}
