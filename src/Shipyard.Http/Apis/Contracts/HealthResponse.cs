namespace Shipyard.Http.Apis.Contracts;

/// <summary><c>GET /api/health</c>: <c>status</c> is <c>ready</c> (200) once the registry finished its first load, else <c>loading</c> (503).</summary>
/// <param name="Status"><c>ready</c> or <c>loading</c>.</param>
/// <param name="Models">Every model with the state of each version (empty while loading).</param>
public sealed record HealthResponse(string Status, IReadOnlyList<HealthModel> Models);
