using System.Diagnostics;
using System.Text.Json;

namespace Shipyard.Testing;

/// <summary>
/// Validates JSON (or YAML) documents against the JSON Schema files in <see cref="SchemasFolder"/> (copies of ../shared/schemas)
/// with ajv from the repository's node_modules (JsonSchema.Net is not restorable here, see DESIGN.md §1).
/// </summary>
/// <remarks>
/// The draft follows the schema's <c>$schema</c> (draft-07, 2019-09, 2020-12; draft-04 read as draft-07).
/// Remote <c>$ref</c>s cannot be fetched offline: they are accepted as-is and listed in
/// <see cref="JsonSchemaValidationResult.UnresolvedReferences"/>.
/// </remarks>
public static class JsonSchemaValidator
{
    private static readonly string ScriptPath = Path.Combine(AppContext.BaseDirectory, "Internals", "validate-json.js");

    /// <summary>The folder holding the shared schema files.</summary>
    // The repository's byte-exact copies of ../shared/schemas (see SOURCES.md there): CI runs on a fresh clone without ../shared.
    public static string SchemasFolder => Path.Combine(RepoPaths.Root, "tests", "Shipyard.Server.Tests", "Deployment", "Schemas");

    /// <summary>Validates <paramref name="json"/> against <paramref name="schemaPath"/>.</summary>
    /// <param name="schemaPath">A schema file; a bare file name is looked up in <see cref="SchemasFolder"/>.</param>
    /// <param name="json">The document text.</param>
    /// <param name="cancellationToken">Cancels the validation (kills node).</param>
    public static async Task<JsonSchemaValidationResult> ValidateAsync(string schemaPath, string json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        var documentPath = Path.Combine(Path.GetTempPath(), $"shipyard-schema-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(documentPath, json, cancellationToken).ConfigureAwait(false);
        try
        {
            return await ValidateFileAsync(schemaPath, documentPath, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(documentPath);
        }
    }

    /// <summary>Validates the document file <paramref name="documentPath"/> (JSON, or YAML when it ends in .yaml/.yml).</summary>
    /// <param name="schemaPath">A schema file; a bare file name is looked up in <see cref="SchemasFolder"/>.</param>
    /// <param name="documentPath">The document file.</param>
    /// <param name="cancellationToken">Cancels the validation (kills node).</param>
    /// <exception cref="InvalidOperationException">The schema or document cannot be read or compiled.</exception>
    public static async Task<JsonSchemaValidationResult> ValidateFileAsync(string schemaPath, string documentPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(schemaPath);
        ArgumentException.ThrowIfNullOrEmpty(documentPath);
        var schema = Path.IsPathRooted(schemaPath) || File.Exists(schemaPath) ? Path.GetFullPath(schemaPath) : Path.Combine(SchemasFolder, schemaPath);
        if (!File.Exists(schema))
        {
            throw new FileNotFoundException($"Schema file '{schema}' not found.", schema);
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ScriptPath);
        start.ArgumentList.Add(RepoPaths.NodeModules);
        start.ArgumentList.Add(schema);
        start.ArgumentList.Add(Path.GetFullPath(documentPath));

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout.ConfigureAwait(false);
        var error = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Schema validation could not run (node exit {process.ExitCode}): {error.Trim()}");
        }

        using var result = JsonDocument.Parse(output);
        var errors = result.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var unresolved = result.RootElement.GetProperty("unresolvedRefs").EnumerateArray().Select(e => e.GetString()!).ToArray();
        return new JsonSchemaValidationResult(errors, unresolved);
    }
}
