using System.Text.Json.Nodes;

namespace Shipyard.Server.Tests.Deployment;

/// <summary>
/// A deployment evaluated by ARM's template engine (<c>bicep snapshot</c>): every resource it would create, with the
/// values ARM can resolve before deployment (runtime values such as <c>reference()</c> stay expressions), and the outputs.
/// </summary>
internal sealed class DeploymentSnapshot(JsonObject snapshot, IReadOnlyDictionary<string, string> parameters)
{
    /// <summary>The parameter values the deployment was given (as azd would pass them; template defaults not included).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; } = parameters;

    public IReadOnlyList<JsonObject> Resources { get; } = snapshot["predictedResources"]!.AsArray().Select(r => r!.AsObject()).ToList();

    public JsonObject Outputs { get; } = snapshot["outputs"]!.AsObject();

    /// <summary>Every resource of <paramref name="type"/> (e.g. <c>Microsoft.Web/sites</c>).</summary>
    public IReadOnlyList<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>The one resource of <paramref name="type"/>.</summary>
    public JsonObject Single(string type)
    {
        var matches = OfType(type);
        return matches.Count == 1 ? matches[0] : throw new InvalidOperationException($"Expected one {type}, found {matches.Count}.");
    }

    /// <summary>The function app's app settings (Microsoft.Web/sites/config appsettings).</summary>
    public JsonObject FunctionAppSettings => Single("Microsoft.Web/sites/config")["properties"]!.AsObject();

    /// <summary>The GPU app's single container.</summary>
    public JsonObject GpuContainer => Single("Microsoft.App/containerApps")["properties"]!["template"]!["containers"]!.AsArray().Single()!.AsObject();

    /// <summary>The GPU app's environment variables: name → value (or <c>secretref:&lt;name&gt;</c>).</summary>
    public IReadOnlyDictionary<string, string> GpuAppEnvironment =>
        GpuContainer["env"]!.AsArray().ToDictionary(
            e => (string)e!["name"]!,
            e => (string?)e!["value"] ?? "secretref:" + (string?)e["secretRef"],
            StringComparer.Ordinal);

    /// <summary>Names of the resources of <paramref name="type"/> under a parent, last segment only (containers, queues).</summary>
    public IReadOnlyList<string> ChildNames(string type) =>
        OfType(type).Select(r => ((string)r["name"]!).Split('/')[^1]).ToList();

    /// <summary>Role assignments as (role definition GUID, principal, scope resource id).</summary>
    public IReadOnlyList<(string Role, string Principal, string Scope)> RoleAssignments =>
        OfType("Microsoft.Authorization/roleAssignments").Select(r => (
            ((string)r["properties"]!["roleDefinitionId"]!).Split('/')[^1],
            (string)r["properties"]!["principalId"]!,
            ((string)r["id"]!)[..((string)r["id"]!).IndexOf("/providers/Microsoft.Authorization/", StringComparison.OrdinalIgnoreCase)])).ToList();
}
