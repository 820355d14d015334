using System.Globalization;
using System.Text.Json;
using Shipyard.Models;
using Shipyard.Scoring.Internals;

namespace Shipyard.Scoring;

/// <summary>
/// Checks request instances against a manifest and turns them into a <see cref="FeatureBatch"/>: JSON types, required
/// features, min/max and categories (enforced when the manifest says <c>outOfRange: reject</c>), unknown fields
/// (per <c>unknownFeatures</c>), finite numbers within the tensor type's range, bounded string lengths and counts.
/// Every invalid field is reported as <c>instances[3].mean_radius: expected a number</c>, up to <see cref="ScoringLimits.MaxErrors"/>.
/// </summary>
public static class InstanceValidator
{
    private static readonly ScoringLimits DefaultLimits = new();

    /// <summary>Validates the <c>instances</c> array.</summary>
    /// <exception cref="InvalidInputException">Anything invalid (every problem named).</exception>
    public static FeatureBatch Validate(ModelManifest manifest, JsonElement instances, ScoringLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        limits ??= DefaultLimits;
        if (instances.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidInputException("instances", $"expected an array of objects, got {UserText.Describe(instances.ValueKind)}");
        }

        var count = instances.GetArrayLength();
        if (count == 0)
        {
            throw new InvalidInputException("instances", "must contain at least one instance");
        }

        if (count > limits.MaxInstances)
        {
            throw new InvalidInputException("instances", string.Create(CultureInfo.InvariantCulture, $"at most {limits.MaxInstances} instances per request, got {count}"));
        }

        var plan = ManifestPlan.For(manifest);
        var batch = new FeatureBatch(manifest, count);
        var errors = new ErrorList(limits.MaxErrors);
        var seen = new int[manifest.Features.Count];
        var index = 0;
        foreach (var instance in instances.EnumerateArray())
        {
            var row = batch.AddRow();
            ValidateInstance(manifest, plan, limits, instance, index, batch, row, seen, errors);
            index++;
            if (errors.Full)
            {
                break;
            }
        }

        errors.ThrowIfAny();
        return batch;
    }

    private static void ValidateInstance(ModelManifest manifest, ManifestPlan plan, ScoringLimits limits, JsonElement instance, int index, FeatureBatch batch, int row, int[] seen, ErrorList errors)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            errors.Add(Path(index), $"expected an object of feature values, got {UserText.Describe(instance.ValueKind)}");
            return;
        }

        var stamp = index + 1;
        var next = 0; // the feature expected next: instances usually list their features in manifest order
        foreach (var property in instance.EnumerateObject())
        {
            string name;
            int f;
            if (next < plan.Utf8Names.Length && NameIs(property, plan.Utf8Names[next]))
            {
                f = next;
                name = manifest.Features[f].Name;
            }
            else if (!TryGetName(property, out name))
            {
                errors.Add(Path(index), "a feature name is " + InvalidUnicode);
                continue;
            }
            else if (!plan.FeatureIndex.TryGetValue(name, out f))
            {
                if (manifest.UnknownFeatures == UnknownFeaturePolicy.Reject)
                {
                    errors.Add(Path(index, name), "unknown feature (not in the model's manifest)");
                }

                continue;
            }

            next = f + 1;

            if (seen[f] == stamp)
            {
                errors.Add(Path(index, name), "given more than once");
                continue;
            }

            seen[f] = stamp;
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                if (manifest.Features[f].Required)
                {
                    errors.Add(Path(index, name), "required feature is null");
                }

                continue;
            }

            SetValue(manifest, plan, limits, manifest.Features[f], f, value, new ValuePath(index, name, false), batch, row, errors);
        }

        for (var f = 0; f < manifest.Features.Count; f++)
        {
            if (seen[f] != stamp && manifest.Features[f].Required)
            {
                errors.Add(Path(index, manifest.Features[f].Name), "required feature is missing");
            }
        }
    }

    /// <summary>Checks a JSON value's kind against the feature's type, then sets it through <see cref="SetNumber"/>,
    /// <see cref="SetInteger"/> or <see cref="SetText"/> (the checks every transport shares).</summary>
    internal static void SetValue(ModelManifest manifest, ManifestPlan plan, ScoringLimits limits, FeatureSpec spec, int f, JsonElement value, ValuePath path, FeatureBatch batch, int row, ErrorList errors)
    {
        switch (spec.Type)
        {
            case FeatureType.Float:
                if (value.ValueKind != JsonValueKind.Number)
                {
                    errors.Add(path.ToString(), $"expected a number, got {UserText.Describe(value.ValueKind)}");
                    return;
                }

                SetNumber(manifest, spec, f, value.TryGetDouble(out var d) ? d : double.NaN, path, batch, row, errors);
                return;

            case FeatureType.Int:
                if (value.ValueKind != JsonValueKind.Number)
                {
                    errors.Add(path.ToString(), $"expected an integer, got {UserText.Describe(value.ValueKind)}");
                    return;
                }

                if (!TryGetInteger(value, out var l))
                {
                    errors.Add(path.ToString(), NotAnInteger);
                    return;
                }

                SetInteger(manifest, plan, spec, f, l, path, batch, row, errors);
                return;

            default:
                if (value.ValueKind != JsonValueKind.String)
                {
                    errors.Add(path.ToString(), $"expected a string, got {UserText.Describe(value.ValueKind)}");
                    return;
                }

                if (!TryGetString(value, out var s))
                {
                    errors.Add(path.ToString(), InvalidUnicode);
                    return;
                }

                SetText(manifest, plan, limits, spec, f, s, path, batch, row, errors);
                return;
        }
    }

    /// <summary>A float feature's value: finite, within float32, then the range policy. (NaN stands for a number that is not finite.)</summary>
    internal static void SetNumber(ModelManifest manifest, FeatureSpec spec, int f, double d, ValuePath path, FeatureBatch batch, int row, ErrorList errors)
    {
        if (!double.IsFinite(d) || Math.Abs(d) > float.MaxValue)
        {
            errors.Add(path.ToString(), "expected a finite number within the float32 range");
            return;
        }

        if (!CheckRange(manifest, spec, d, path, batch, errors))
        {
            return;
        }

        batch.SetNumber(row, f, d);
    }

    /// <summary>An int feature's value: within 32 bits where the ONNX input is int32, then the range and category policies.</summary>
    internal static void SetInteger(ModelManifest manifest, ManifestPlan plan, FeatureSpec spec, int f, long l, ValuePath path, FeatureBatch batch, int row, ErrorList errors)
    {
        if (plan.FeedsInt32[f] && l is < int.MinValue or > int.MaxValue)
        {
            errors.Add(path.ToString(), "expected an integer within the 32-bit range");
            return;
        }

        if (!CheckRange(manifest, spec, l, path, batch, errors) ||
            !CheckCategory(manifest, plan, spec, f, l.ToString(CultureInfo.InvariantCulture), path, batch, errors))
        {
            return;
        }

        batch.SetInteger(row, f, l);
    }

    /// <summary>A string feature's value: bounded length, then the category policy.</summary>
    internal static void SetText(ModelManifest manifest, ManifestPlan plan, ScoringLimits limits, FeatureSpec spec, int f, string s, ValuePath path, FeatureBatch batch, int row, ErrorList errors)
    {
        if (s.Length > limits.MaxStringLength)
        {
            errors.Add(path.ToString(), string.Create(CultureInfo.InvariantCulture, $"string longer than {limits.MaxStringLength} characters"));
            return;
        }

        if (!CheckCategory(manifest, plan, spec, f, s, path, batch, errors))
        {
            return;
        }

        batch.SetString(row, f, s);
    }

    /// <summary>The problem with a number that is not an integer.</summary>
    internal const string NotAnInteger = "expected an integer (no fractional part, within the 64-bit range)";

    /// <summary>3.0 or 1e3 are integers written differently: <paramref name="d"/> as a long when it is one exactly.</summary>
    internal static bool TryGetInteger(double d, out long result)
    {
        if (double.IsFinite(d) && Math.Floor(d) == d && d >= -9.2233720368547758E18 && d < 9.2233720368547758E18)
        {
            result = (long)d;
            return true;
        }

        result = 0;
        return false;
    }

    private const string InvalidUnicode = "not valid Unicode text (a lone surrogate escape such as \\ud800)";

    /// <summary>Whether the property's (unescaped) name is <paramref name="utf8Name"/>, without allocating; false for a name that is not valid text.</summary>
    private static bool NameIs(JsonProperty property, byte[] utf8Name)
    {
        try
        {
            return property.NameEquals(utf8Name);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // System.Text.Json throws InvalidOperationException when an escaped lone surrogate ("\ud800") is
    // transcoded to UTF-16; that is bad input (400), not a server fault.
    private static bool TryGetName(JsonProperty property, out string name)
    {
        try
        {
            name = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            name = "";
            return false;
        }
    }

    private static bool TryGetString(JsonElement value, out string text)
    {
        try
        {
            text = value.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            text = "";
            return false;
        }
    }

    private static bool TryGetInteger(JsonElement value, out long result)
    {
        if (value.TryGetInt64(out result))
        {
            return true;
        }

        return value.TryGetDouble(out var d) && TryGetInteger(d, out result);
    }

    private static bool CheckRange(ModelManifest manifest, FeatureSpec spec, double v, ValuePath path, FeatureBatch batch, ErrorList errors)
    {
        if (!OutsideRange(spec, v))
        {
            return true;
        }

        var problem = spec.Min is { } min && v < min
            ? string.Create(CultureInfo.InvariantCulture, $"{v} is below the minimum {min}")
            : string.Create(CultureInfo.InvariantCulture, $"{v} is above the maximum {spec.Max}");
        return Report(manifest, problem, path, batch, errors);
    }

    private static bool CheckCategory(ModelManifest manifest, ManifestPlan plan, FeatureSpec spec, int f, string value, ValuePath path, FeatureBatch batch, ErrorList errors)
    {
        if (!OutsideCategories(plan.Categories[f], value))
        {
            return true;
        }

        var shown = string.Join(", ", spec.Categories!.Take(10));
        var problem = $"'{UserText.Shorten(value, 64)}' is not one of the categories {shown}{(spec.Categories!.Count > 10 ? ", …" : "")}";
        return Report(manifest, problem, path, batch, errors);
    }

    private static bool Report(ModelManifest manifest, string problem, ValuePath path, FeatureBatch batch, ErrorList errors)
    {
        if (KeepOutOfRange(manifest, batch))
        {
            return true;
        }

        errors.Add(path.ToString(), problem);
        return false;
    }

    /// <summary>Whether <paramref name="value"/> lies outside the feature's declared min/max (never when none is declared).</summary>
    internal static bool OutsideRange(FeatureSpec spec, double value) =>
        (spec.Min is { } min && value < min) || (spec.Max is { } max && value > max);

    /// <summary>Whether <paramref name="value"/> is not one of a feature's declared <paramref name="categories"/> (never when none
    /// are declared; <see cref="ManifestPlan.Categories"/> holds each feature's set). JSON instances and CSV cells alike.</summary>
    internal static bool OutsideCategories(IReadOnlySet<string>? categories, string value) => categories is not null && !categories.Contains(value);

    /// <summary>The same for an integer feature; the number is formatted only when there are categories to look it up in.</summary>
    internal static bool OutsideCategories(IReadOnlySet<string>? categories, long value) =>
        categories is not null && !categories.Contains(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The policy for a value outside its declared range or categories (manifest <c>outOfRange</c>): kept and counted in
    /// <see cref="FeatureBatch.OutOfRangeCount"/> (true), or, when the manifest rejects such values, refused (false).
    /// </summary>
    internal static bool KeepOutOfRange(ModelManifest manifest, FeatureBatch batch)
    {
        if (manifest.OutOfRange == RangePolicy.Reject)
        {
            return false;
        }

        batch.OutOfRangeCount++;
        return true;
    }

    private static string Path(int index) => string.Create(CultureInfo.InvariantCulture, $"instances[{index}]");

    private static string Path(int index, string field) => string.Create(CultureInfo.InvariantCulture, $"instances[{index}].{UserText.Shorten(field, 64)}");
    /// <summary>Where a value sits, formatted only when an error is reported: <c>instances[3].name</c> or, for KServe tensors, <c>name[3]</c>.</summary>
    internal readonly record struct ValuePath(int Index, string Name, bool Tensor)
    {
        public override string ToString() => Tensor
            ? string.Create(CultureInfo.InvariantCulture, $"{UserText.Shorten(Name, 64)}[{Index}]")
            : string.Create(CultureInfo.InvariantCulture, $"instances[{Index}].{UserText.Shorten(Name, 64)}");
    }

    /// <summary>Collects errors up to a bound, then remembers only that there were more.</summary>
    internal sealed class ErrorList(int max)
    {
        private readonly List<InputError> _errors = [];
        private bool _truncated;

        public bool Full => _truncated;

        public int Count => _errors.Count;

        public void Add(string path, string message)
        {
            if (_errors.Count < Math.Max(1, max))
            {
                _errors.Add(new InputError(path, message));
            }
            else
            {
                _truncated = true;
            }
        }

        public void ThrowIfAny()
        {
            if (_errors.Count > 0)
            {
                throw new InvalidInputException(_errors, _truncated);
            }
        }
    }
}
