namespace Shipyard.Testing;

/// <summary>Absolute paths into the repository checkout, found from the test assembly's location.</summary>
public static class RepoPaths
{
    /// <summary>The repository root (the folder holding Functions.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The bundled model packages.</summary>
    public static string Models => Path.Combine(Root, "models");

    /// <summary>The repository's node_modules (Azurite, onnxruntime-node, ajv).</summary>
    public static string NodeModules => Path.Combine(Root, "node_modules");

    /// <summary>The shared folder next to the checkout (DESIGN.md, schemas, drift references), if present.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Functions.sln not found above {AppContext.BaseDirectory}.");
    }
}
