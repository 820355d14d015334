using System.Text.RegularExpressions;

namespace Shipyard.Testing;

/// <summary>
/// Answers compared across runs differ only in their prediction ids (new per prediction): these helpers take them out
/// of JSON text so the rest can be compared byte for byte, after checking that each id has the documented form.
/// </summary>
public static partial class PredictionIdText
{
    /// <summary>The JSON text without its <c>"predictionId":"…"</c> members (and their leading comma); throws when an id is not 32 hex digits.</summary>
    public static string Without(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (AnyId().Matches(json).Any(m => !ValidId().IsMatch(m.Value)))
        {
            throw new InvalidOperationException($"A prediction id is not 32 lowercase hex digits: {json}");
        }

        return ValidId().Replace(json, string.Empty);
    }

    [GeneratedRegex(",?\"predictionId\":\"[^\"]*\"")]
    private static partial Regex AnyId();

    [GeneratedRegex(",?\"predictionId\":\"[0-9a-f]{32}\"")]
    private static partial Regex ValidId();
}
