using System.Diagnostics;
using System.Globalization;
using Shipyard.Storage;

namespace Shipyard.Benchmarks.Storage;

/// <summary>
/// What the embedded file store's one-rename commit costs (docs/storage.md): 3,000 overwrites of 1 KiB with metadata
/// over 100 names, 3,000 <c>GetPropertiesAsync</c>, five 64 MiB uploads, in a fresh folder under /tmp. Run with
/// <c>dotnet artifacts/bench-batch/Shipyard.Benchmarks.dll --file-store-commit</c>.
/// </summary>
internal static class FileStoreCommitProbe
{
    public static async Task RunAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), $"shipyard-commit-probe-{Guid.NewGuid():N}");
        try
        {
            var store = new FileBlobStore(root);
            await store.CreateContainerIfNotExistsAsync("probe").ConfigureAwait(false);
            var small = new byte[1024];
            var metadata = new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["owner"] = "probe" } };
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 3000; i++)
            {
                await store.UploadAsync("probe", $"small/{i % 100}", small, metadata).ConfigureAwait(false);
            }

            var upload = clock.Elapsed.TotalMicroseconds / 3000;
            clock.Restart();
            for (var i = 0; i < 3000; i++)
            {
                await store.GetPropertiesAsync("probe", $"small/{i % 100}").ConfigureAwait(false);
            }

            var properties = clock.Elapsed.TotalMicroseconds / 3000;
            var large = new byte[64 << 20];
            clock.Restart();
            for (var i = 0; i < 5; i++)
            {
                await store.UploadAsync("probe", "large", large).ConfigureAwait(false);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"1 KiB overwrite with metadata {upload:F0} us; GetPropertiesAsync {properties:F1} us; 64 MiB upload {clock.Elapsed.TotalMilliseconds / 5:F0} ms"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
