using Shipyard.Testing;

namespace Shipyard.Server.Tests.Infrastructure;

/// <summary>The standalone server as `dotnet build` left it: src/Shipyard.Server/bin/&lt;configuration&gt;/net10.0/.</summary>
public static class BuiltApp
{
    /// <summary>The configuration this test assembly was built with (Debug/Release), read from its own path.</summary>
    public static string Configuration { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The build output folder of Shipyard.Server.</summary>
    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "src", "Shipyard.Server", "bin", Configuration, "net10.0");

    /// <summary>The server's apphost.</summary>
    public static string Executable => Path.Combine(Folder, "Shipyard.Server");
}
