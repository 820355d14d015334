using Shipyard.Testing;

namespace Shipyard.Functions.Tests.Infrastructure;

/// <summary>The function app as `dotnet build` left it: src/Shipyard.Functions/bin/&lt;configuration&gt;/net10.0/.</summary>
public static class BuiltApp
{
    /// <summary>The configuration this test assembly was built with (Debug/Release), read from its own path.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The build output folder of Shipyard.Functions.</summary>
    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "src", "Shipyard.Functions", "bin", Configuration, "net10.0");

    /// <summary>The apphost the Functions host starts (host.json defaultExecutablePath).</summary>
    public static string Executable => Path.Combine(Folder, "Shipyard.Functions");
}
