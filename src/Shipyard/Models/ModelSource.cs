namespace Shipyard.Models;

/// <summary>Where a model version's package was loaded from.</summary>
public enum ModelSource
{
    /// <summary>The bundled models folder (<c>Shipyard:ModelsPath</c>).</summary>
    Bundled,

    /// <summary>The <c>models</c> container of the blob store (wins over bundled for the same name/version).</summary>
    Store,
}
