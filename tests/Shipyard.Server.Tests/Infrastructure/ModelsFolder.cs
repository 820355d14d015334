using System.Diagnostics;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Server.Tests.Infrastructure;

/// <summary>
/// A temporary models folder (for <c>Shipyard:ModelsPath</c>) holding copies of bundled models. A package's
/// model.onnx can be swapped for a named pipe, so its load blocks until the test releases it: a deterministic window
/// in which that model is still loading.
/// </summary>
public sealed class ModelsFolder : IAsyncDisposable
{
    private readonly List<(string Pipe, byte[] Bytes)> _blocked = [];

    private ModelsFolder(string path) => Path = path;

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>Copies <c>models/{name}</c> (every version, routing.json) of each of <paramref name="models"/>.</summary>
    public static ModelsFolder Copy(params string[] models)
    {
        var folder = new ModelsFolder(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"shipyard-models-{Guid.NewGuid():N}"));
        foreach (var model in models)
        {
            CopyDirectory(System.IO.Path.Combine(RepoPaths.Models, model), System.IO.Path.Combine(folder.Path, model));
        }

        return folder;
    }

    /// <summary>The copied package folder of <paramref name="model"/> <paramref name="version"/>.</summary>
    public string Package(string model, string version) => System.IO.Path.Combine(Path, model, version);

    /// <summary>Makes the package's model.onnx a named pipe: loading it waits until <see cref="ReleaseAsync"/>.</summary>
    public async Task BlockLoadAsync(string model, string version)
    {
        var pipe = System.IO.Path.Combine(Package(model, version), "model.onnx");
        var bytes = await File.ReadAllBytesAsync(pipe);
        File.Delete(pipe);
        using (var mkfifo = Process.Start("mkfifo", pipe))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        _blocked.Add((pipe, bytes));
    }

    /// <summary>Lets every blocked load read its model (idempotent). Call it while the app is running, in a
    /// <c>finally</c> too: writing a pipe waits for its reader, and a host cannot stop while a load is blocked.</summary>
    public async Task ReleaseAsync()
    {
        foreach (var (pipe, bytes) in _blocked)
        {
            await File.WriteAllBytesAsync(pipe, bytes);
        }

        _blocked.Clear();
    }

    /// <summary>Deletes the folder (after the app that read it is gone).</summary>
    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetFileName(file)));
        }

        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            CopyDirectory(dir, System.IO.Path.Combine(to, System.IO.Path.GetFileName(dir)));
        }
    }
}
