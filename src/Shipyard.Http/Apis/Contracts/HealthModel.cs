using Shipyard.Models;

namespace Shipyard.Http.Apis.Contracts;

/// <summary>One model in <see cref="HealthResponse"/>.</summary>
/// <param name="Name">Model name.</param>
/// <param name="Production">The production version, if any.</param>
/// <param name="Versions">State of each version by version.</param>
public sealed record HealthModel(string Name, string? Production, IReadOnlyDictionary<string, ModelVersionState> Versions);
