namespace Shipyard.Server.Security;

/// <summary>
/// Access keys of the standalone server, bound from <c>Shipyard:Auth</c> (DESIGN.md §3 "Running it").
/// Clients send a key as Azure Functions clients do: header <c>x-functions-key</c> or query parameter <c>code</c>.
/// Under the Functions host these settings are not used: the host checks its own keys (each function's authLevel).
/// </summary>
public sealed record AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Shipyard:Auth";

    /// <summary>
    /// Keys that may call predict and read routes (<c>Shipyard:Auth:FunctionKeys:0</c>, <c>…:1</c>; a single value may
    /// also hold several keys separated by commas or semicolons).
    /// </summary>
    public IReadOnlyList<string> FunctionKeys { get; init; } = [];

    /// <summary>The key for admin routes; it also works wherever a function key does. No admin key: admin routes always answer 401.</summary>
    public string? AdminKey { get; init; }

    /// <summary>
    /// Whether predict and read routes accept requests without a key. Null (not set): anonymous only in the Development
    /// environment and from a loopback address. Admin routes always need the admin key, whatever this says.
    /// </summary>
    public bool? AllowAnonymous { get; init; }
}
