using Shipyard.Testing;

namespace Shipyard.Functions.Tests.Infrastructure;

/// <summary>The function app folder `dotnet build src/Shipyard.Functions` leaves: src/Shipyard.Functions/bin/&lt;configuration&gt;/net10.0/.</summary>
public static class FunctionApp
{
    /// <summary>The configuration this test assembly was built with (Debug/Release), read from its own path.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The build output folder: functions.metadata, worker.config.json, host.json, the worker and the models.</summary>
    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "src", "Shipyard.Functions", "bin", Configuration, "net10.0");

    /// <summary>The folder of the Functions host build and its start/stop scripts (../shared/funchost).</summary>
    public static string FuncHost => Path.Combine(RepoPaths.Shared, "funchost");
}
