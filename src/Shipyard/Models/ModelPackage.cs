using System.Globalization;
using System.Security.Cryptography;
using Shipyard.Models.Internals;
using Shipyard.Scoring.Internals;
using Shipyard.Storage;

namespace Shipyard.Models;

/// <summary>
/// One model package (<c>model.json</c>, <c>model.onnx</c>, optional <c>baseline.json</c> and <c>samples.csv</c>),
/// validated the same way whichever way it reaches the store: the admin upload (<see cref="ModelRegistry.UploadVersionAsync"/>)
/// and <c>shipyard models push</c>. A <see cref="ModelPackage"/> only exists once <see cref="Validate"/> passed.
/// </summary>
public sealed class ModelPackage
{
    private ModelPackage(string name, string version, ModelManifest manifest, IReadOnlyDictionary<string, byte[]> files)
    {
        Name = name;
        Version = version;
        Manifest = manifest;
        Files = files;
    }

    /// <summary>The files a package may hold: <c>model.json</c> and <c>model.onnx</c> (required), <c>baseline.json</c> and
    /// <c>samples.csv</c> (optional). Stores write <c>model.json</c> last: its presence is what makes a version visible.</summary>
    public static IReadOnlyList<string> FileNames { get; } = ["model.json", "model.onnx", "baseline.json", "samples.csv"];

    /// <summary>The model name (also the manifest's).</summary>
    public string Name { get; }

    /// <summary>The version (also the manifest's).</summary>
    public string Version { get; }

    /// <summary>The parsed manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The package's files by name (a subset of <see cref="FileNames"/>), as read.</summary>
    public IReadOnlyDictionary<string, byte[]> Files { get; }

    /// <summary>
    /// Checks a package before anything is written: both required files present, the manifest valid and naming
    /// <paramref name="name"/> and <paramref name="version"/>, the SHA-256 of model.onnx equal to the manifest's, ONNX
    /// Runtime able to load the graph (CPU, one thread) and the graph having the manifest's inputs and outputs.
    /// </summary>
    /// <param name="name">The model name the package is stored under.</param>
    /// <param name="version">The version the package is stored under.</param>
    /// <param name="files">File name → content; names outside <see cref="FileNames"/> are the caller's to refuse.</param>
    /// <param name="origin">Where <paramref name="name"/> and <paramref name="version"/> came from, for messages
    /// ("the URL", "the folder path").</param>
    /// <exception cref="PackageInvalidException">Every problem found, each naming its file and field.</exception>
    public static ModelPackage Validate(string name, string version, IReadOnlyDictionary<string, byte[]> files, string origin)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(origin);
        var missing = FileNames.Take(2).Where(f => !files.ContainsKey(f)).Select(f => $"package: {f} is missing").ToArray();
        if (missing.Length > 0)
        {
            throw new PackageInvalidException(missing);
        }

        ModelManifest manifest;
        try
        {
            manifest = ModelManifest.Parse(files["model.json"]);
        }
        catch (ManifestException ex)
        {
            throw new PackageInvalidException(ex.Errors.Select(e => "model.json " + e).ToArray());
        }

        var errors = new List<string>();
        if (manifest.Name != name)
        {
            errors.Add($"model.json name: '{manifest.Name}' does not match the model in {origin}, '{name}'");
        }

        if (manifest.Version != version)
        {
            errors.Add($"model.json version: '{manifest.Version}' does not match the version in {origin}, '{version}'");
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(files["model.onnx"]));
        if (sha != manifest.Sha256)
        {
            errors.Add($"model.json sha256: {manifest.Sha256} does not match model.onnx, which hashes to {sha}");
        }
        else if (OnnxExternalData.Check(files["model.onnx"], folder: null, out _) is { } refused)
        {
            errors.Add(refused);
        }
        else
        {
            // Loaded once on the CPU with one thread, only to check the graph against the manifest.
            try
            {
                var check = manifest with { Runtime = new RuntimeSettings { Device = ComputeDevice.Cpu, IntraOpThreads = 1 } };
                OnnxScorer.Load(check, files["model.onnx"], modelPath: null, out _).Dispose();
            }
            catch (SessionCreateException ex)
            {
                errors.Add(ex.Message);
            }
        }

        if (errors.Count > 0)
        {
            throw new PackageInvalidException(errors);
        }

        return new ModelPackage(name, version, manifest, files);
    }

    /// <summary>
    /// Reads and validates the package in <paramref name="directory"/>, a folder <c>…/NAME/VERSION</c> (the layout of
    /// <c>models/</c>): the name and version are the folder names. Files other than <see cref="FileNames"/> are not part
    /// of a package and are left out (the returned <c>Ignored</c> list names them).
    /// </summary>
    /// <exception cref="PackageInvalidException">The folder, its name, its size or its content is invalid (every problem named).</exception>
    public static async Task<(ModelPackage Package, IReadOnlyList<string> Ignored)> ReadDirectoryAsync(string directory, long maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var folder = new DirectoryInfo(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
        if (!folder.Exists)
        {
            throw new PackageInvalidException($"path: '{folder.FullName}' is not a folder (expected models/NAME/VERSION)");
        }

        var version = folder.Name;
        var name = folder.Parent?.Name ?? "";
        var errors = new List<string>();
        if (!ModelManifest.IsValidName(name))
        {
            errors.Add($"path: '{UserText.Shorten(name)}' is not a valid model name (lowercase letters, digits and '-', 1-64 characters); expected models/NAME/VERSION");
        }

        if (!ModelManifest.IsValidVersion(version))
        {
            errors.Add($"path: '{UserText.Shorten(version)}' is not a valid version (a positive integer without leading zeros); expected models/NAME/VERSION");
        }

        var present = FileNames.Select(f => new FileInfo(Path.Combine(folder.FullName, f))).Where(f => f.Exists).ToArray();
        var total = present.Sum(f => f.Length);
        if (total > maxBytes)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"package: {total} bytes, larger than the limit of {maxBytes} bytes"));
        }

        if (errors.Count > 0)
        {
            throw new PackageInvalidException(errors);
        }

        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in present)
        {
            files[file.Name] = await File.ReadAllBytesAsync(file.FullName, cancellationToken).ConfigureAwait(false);
        }

        var ignored = folder.EnumerateFileSystemInfos().Select(f => f.Name).Where(n => !FileNames.Contains(n)).Order(StringComparer.Ordinal).ToArray();
        return (Validate(name, version, files, "the folder path"), ignored);
    }

    /// <summary>
    /// Writes the package to <c>models/{name}/{version}/</c> in <paramref name="store"/> with create-only writes only
    /// (If-None-Match <c>*</c>): nothing that exists is ever overwritten. <c>model.json</c> goes last, so pollers never see
    /// half a package. A file left by an interrupted push of the same package (identical bytes) is kept and the push
    /// continues; different bytes mean someone else is writing this version, and the push stops.
    /// </summary>
    /// <exception cref="PackageInvalidException">The version exists in the store (or is being written by someone else).</exception>
    public async Task PublishAsync(IBlobStore store, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.CreateContainerIfNotExistsAsync(ModelRegistry.Container, cancellationToken).ConfigureAwait(false);
        var prefix = $"{Name}/{Version}/";
        if (await store.GetPropertiesAsync(ModelRegistry.Container, prefix + "model.json", cancellationToken).ConfigureAwait(false) is not null)
        {
            throw AlreadyExists();
        }

        foreach (var file in FileNames.Skip(1).Append(FileNames[0]))
        {
            if (!Files.TryGetValue(file, out var content))
            {
                // A file this package lacks must not be there either, or the published version would mix two packages
                // (e.g. another upload's baseline.json under this manifest). Checked before model.json is written.
                if (await store.GetPropertiesAsync(ModelRegistry.Container, prefix + file, cancellationToken).ConfigureAwait(false) is not null)
                {
                    throw new PackageInvalidException(
                        $"version: {Name} version {Version} is incomplete in the store and holds a {file} this package does not have (another upload of this version is running, or an interrupted one left it); versions are immutable, give the package a new version");
                }

                continue;
            }

            try
            {
                await store.UploadAsync(ModelRegistry.Container, prefix + file, content,
                    new BlobUploadOptions { ContentType = ContentTypeOf(file), Conditions = BlobConditions.IfNotExists }, cancellationToken).ConfigureAwait(false);
            }
            catch (BlobConditionFailedException) when (file == "model.json")
            {
                throw AlreadyExists();
            }
            catch (BlobConditionFailedException)
            {
                if (await store.GetPropertiesAsync(ModelRegistry.Container, prefix + "model.json", cancellationToken).ConfigureAwait(false) is not null)
                {
                    throw AlreadyExists();
                }

                var stored = await store.ReadAllBytesAsync(ModelRegistry.Container, prefix + file, cancellationToken).ConfigureAwait(false);
                if (!stored.AsSpan().SequenceEqual(content))
                {
                    throw new PackageInvalidException(
                        $"version: {Name} version {Version} is incomplete in the store and its {file} differs from this package (another upload of this version is running, or an interrupted one left it); versions are immutable, give the package a new version");
                }
            }
        }
    }

    /// <summary>The content type a package file is stored with.</summary>
    public static string ContentTypeOf(string file) => file switch
    {
        "model.onnx" => "application/octet-stream",
        "samples.csv" => "text/csv",
        _ => "application/json",
    };

    private PackageInvalidException AlreadyExists() =>
        new($"version: {Name} version {Version} already exists in the store; versions are immutable, give the package a new version");
}
