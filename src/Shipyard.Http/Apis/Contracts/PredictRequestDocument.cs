using System.Text.Json;

namespace Shipyard.Http.Apis.Contracts;

/// <summary>The predict body as documented in OpenAPI: <c>{"instances":[{"&lt;feature&gt;": value, …}, …]}</c> (read by hand, not bound).</summary>
/// <param name="Instances">One object per row, keyed by feature name.</param>
public sealed record PredictRequestDocument(IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> Instances);
