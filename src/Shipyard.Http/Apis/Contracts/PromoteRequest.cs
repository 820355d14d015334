namespace Shipyard.Http.Apis.Contracts;

/// <summary><c>POST /api/admin/models/{name}/promote</c> body: <c>{"alias":"production","version":"2"}</c>.</summary>
/// <param name="Alias"><c>production</c>, <c>staging</c>, <c>canary</c> or <c>shadow</c>.</param>
/// <param name="Version">A ready version of the model.</param>
public sealed record PromoteRequest(string Alias, string Version);
