namespace Shipyard.Http.Apis.Contracts;

/// <summary><c>GET /api/models</c>.</summary>
/// <param name="Models">Every model, ordered by name.</param>
public sealed record ModelListResponse(IReadOnlyList<ModelResponse> Models);
