namespace Shipyard.Http.Security;

/// <summary>Role claims the standalone server gives callers (its FunctionKeyAuthenticator) and the policies the routes require; under the Functions host, authLevel does this.</summary>
public static class ShipyardRoles
{
    /// <summary>May call predict, infer and read routes (a function key, the admin key, or an allowed anonymous caller).</summary>
    public const string Caller = "caller";

    /// <summary>May call admin routes (the admin key only; under the Functions host, the host checked it).</summary>
    public const string Admin = "admin";

    /// <summary>Policy name for predict, infer and read routes.</summary>
    public const string CallerPolicy = "shipyard-caller";

    /// <summary>Policy name for admin routes.</summary>
    public const string AdminPolicy = "shipyard-admin";

    /// <summary>Claim type holding a caller id that is safe to log and to partition rate limits by (never the key).</summary>
    public const string CallerIdClaim = "shipyard:caller";
}
