using System.Reflection;
using Shipyard.Http.Apis.Contracts;
using Shipyard.Http.Errors;
using Shipyard.Models;

namespace Shipyard.Http.Apis;

/// <summary>
/// The Open Inference Protocol's model and server lookups, independent of the transport: the REST routes
/// (<see cref="KServeApi"/>) and the gRPC service of Shipyard.Server both answer from here, so a name, a version or a
/// failed load gets the same answer over either.
/// </summary>
internal static class KServeModels
{
    /// <summary>The server's name in server metadata.</summary>
    public const string ServerName = "shipyard";

    /// <summary>The server's version in server metadata: the assembly's informational version.</summary>
    public static readonly string ServerVersion =
        typeof(KServeModels).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "1.0.0";

    /// <summary>
    /// The model and the version asked for (<paramref name="version"/>, else production), or why not: 400 for a bad
    /// name or version, 404 unknown, 503 when the model has no production version.
    /// </summary>
    public static KServeLookup Resolve(string name, string? version, ModelRegistry registry)
    {
        if (!RouteChecks.IsValid(name, version))
        {
            var errors = RouteChecks.Check(name, version);
            return KServeLookup.Failed(new KServeProblem(StatusCodes.Status400BadRequest, RequestRejectedException.InvalidTitle, string.Join("; ", errors), errors));
        }

        if (registry.Find(name) is not { } model)
        {
            return KServeLookup.Failed(KServeProblem.NotFound($"Model '{name}' was not found."));
        }

        var wanted = version ?? model.Routing.Production;
        if (wanted is null)
        {
            return KServeLookup.Failed(KServeProblem.NotReady($"Model '{name}' has no production version."));
        }

        var selected = model.Versions.FirstOrDefault(v => v.Version == wanted);
        return selected is null
            ? KServeLookup.Failed(KServeProblem.NotFound($"Version '{wanted}' of model '{name}' was not found."))
            : new KServeLookup(model, selected, null);
    }

    /// <summary>A model's metadata (ready versions, platform <c>onnx</c>, tensors from the selected version's manifest), or 503 when that version failed to load.</summary>
    public static (KServeModelMetadata? Metadata, KServeProblem? Problem) Metadata(ModelInfo model, ModelVersionInfo selected)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(selected);
        if (selected.Manifest is not { } manifest)
        {
            return (null, KServeProblem.NotReady($"Version '{selected.Version}' of model '{model.Name}' failed to load: {selected.Error}"));
        }

        var versions = model.Versions.Where(v => v.State == ModelVersionState.Ready).Select(v => v.Version).ToArray();
        return (new KServeModelMetadata(model.Name, versions, "onnx", KServeTensors.Inputs(manifest), KServeTensors.Outputs(manifest)), null);
    }
}
