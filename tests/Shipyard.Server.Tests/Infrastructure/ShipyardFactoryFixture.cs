namespace Shipyard.Server.Tests.Infrastructure;

/// <summary>A class fixture owning one <see cref="ShipyardApplicationFactory"/> with fixed settings.</summary>
public abstract class ShipyardFactoryFixture : IDisposable
{
    private readonly ShipyardApplicationFactory _factory;

    /// <summary>Creates the app with <paramref name="settings"/>.</summary>
    protected ShipyardFactoryFixture(IReadOnlyDictionary<string, string?>? settings = null, string environment = "Production")
    {
        _factory = new ShipyardApplicationFactory(settings, environment);
    }

    /// <summary>The app.</summary>
    public ShipyardApplicationFactory App => _factory;

    /// <summary>A client sending <paramref name="key"/> (default: the admin key).</summary>
    public HttpClient CreateClient(string? key = ShipyardApplicationFactory.AdminKey) => _factory.CreateClient(key);

    /// <summary>A client after the registry has loaded.</summary>
    public Task<HttpClient> CreateReadyClientAsync(string? key = ShipyardApplicationFactory.AdminKey) => _factory.CreateReadyClientAsync(key);

    /// <inheritdoc />
    public void Dispose()
    {
        _factory.Dispose();
        GC.SuppressFinalize(this);
    }
}
