using System.Buffers;
using System.Text.Json;

namespace Shipyard.Models.Internals;

/// <summary>Parses and validates <c>model.json</c> against the manifest contract, reporting every problem by field.</summary>
internal static class ManifestParser
{
    private static readonly Dictionary<string, ModelTask> Tasks = new(StringComparer.Ordinal)
    {
        ["binary-classification"] = ModelTask.BinaryClassification,
        ["multiclass-classification"] = ModelTask.MulticlassClassification,
        ["regression"] = ModelTask.Regression,
    };

    private static readonly Dictionary<string, FeatureType> FeatureTypes = new(StringComparer.Ordinal)
    {
        ["float"] = FeatureType.Float,
        ["int"] = FeatureType.Int,
        ["string"] = FeatureType.String,
    };

    private static readonly Dictionary<string, UnknownFeaturePolicy> Policies = new(StringComparer.Ordinal)
    {
        ["reject"] = UnknownFeaturePolicy.Reject,
        ["ignore"] = UnknownFeaturePolicy.Ignore,
    };

    private static readonly Dictionary<string, RangePolicy> RangePolicies = new(StringComparer.Ordinal)
    {
        ["allow"] = RangePolicy.Allow,
        ["reject"] = RangePolicy.Reject,
    };

    private static readonly Dictionary<string, OnnxElementType> ElementTypes = new(StringComparer.Ordinal)
    {
        ["float"] = OnnxElementType.Float,
        ["double"] = OnnxElementType.Double,
        ["int64"] = OnnxElementType.Int64,
        ["int32"] = OnnxElementType.Int32,
        ["string"] = OnnxElementType.String,
    };

    private static readonly Dictionary<string, ComputeDevice> Devices = new(StringComparer.Ordinal)
    {
        ["cpu"] = ComputeDevice.Cpu,
        ["cuda"] = ComputeDevice.Cuda,
    };

    private static readonly Dictionary<string, DevicePolicy> DevicePolicies = new(StringComparer.Ordinal)
    {
        ["require"] = DevicePolicy.Require,
        ["prefer-gpu"] = DevicePolicy.PreferGpu,
    };

    /// <summary>Largest accepted <c>runtime.maxBatch</c>.</summary>
    public const int MaxBatchLimit = 1_000_000;

    // Checked by hand rather than with a regex: these run on every request's route values, and a regex's '$' also
    // matches before a trailing newline ("model\n" passed).
    private static readonly SearchValues<char> NameChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");
    private static readonly SearchValues<char> HexChars = SearchValues.Create("0123456789abcdefABCDEF");

    /// <summary>1–64 characters of lowercase ASCII letters, digits and '-', starting with a letter or digit.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= 64 } && name[0] != '-' && !name.AsSpan().ContainsAnyExcept(NameChars);

    /// <summary>A positive integer of at most 9 ASCII digits without leading zeros.</summary>
    public static bool IsValidVersion(string? version) =>
        version is { Length: > 0 and <= 9 } && version[0] != '0' && !version.AsSpan().ContainsAnyExceptInRange('0', '9');

    public static ModelManifest Parse(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 64, CommentHandling = JsonCommentHandling.Skip });
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new ManifestException($"model.json: not valid JSON ({ex.Message})", ex);
        }

        using (doc)
        {
            var errors = new List<string>();
            var manifest = Build(doc.RootElement, new JsonFieldReader(errors));
            if (errors.Count > 0 || manifest is null)
            {
                throw new ManifestException(errors);
            }

            return manifest;
        }
    }

    private static ModelManifest? Build(JsonElement root, JsonFieldReader r)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            r.Add("model.json", $"expected a JSON object, got {JsonFieldReader.Describe(root)}");
            return null;
        }

        var name = r.String(root, "", "name", required: true);
        if (name is not null && !IsValidName(name))
        {
            r.Add("name", $"'{UserText.Shorten(name, 64)}' is not a valid model name (lowercase letters, digits and '-', 1-64 characters, starting with a letter or digit)");
        }

        var version = r.String(root, "", "version", required: true);
        if (version is not null && !IsValidVersion(version))
        {
            r.Add("version", $"'{UserText.Shorten(version, 64)}' is not a valid version (a positive integer without leading zeros, such as \"1\")");
        }

        var task = r.Enum(root, "", "task", true, Tasks, "binary-classification, multiclass-classification or regression");
        var description = r.String(root, "", "description", required: false);
        var features = ParseFeatures(root, r);
        var unknown = r.Enum(root, "", "unknownFeatures", false, Policies, "reject or ignore") ?? UnknownFeaturePolicy.Reject;
        var outOfRange = r.Enum(root, "", "outOfRange", false, RangePolicies, "allow or reject") ?? RangePolicy.Allow;
        var labels = ParseLabels(root, task, r);
        var onnx = ParseOnnx(root, features, task, r);

        var sha = r.String(root, "", "sha256", required: true);
        if (sha is not null && (sha.Length != 64 || sha.AsSpan().ContainsAnyExcept(HexChars)))
        {
            r.Add("sha256", "expected 64 hexadecimal characters (the SHA-256 of model.onnx)");
        }

        var runtime = ParseRuntime(root, r);
        JsonElement? training = null;
        if (r.Object(root, "", "training", required: false, out var t))
        {
            training = t.Clone();
        }

        if (r.Errors.Count > 0)
        {
            return null;
        }

        return new ModelManifest
        {
            Name = name!,
            Version = version!,
            Task = task!.Value,
            Description = description,
            Features = features!,
            UnknownFeatures = unknown,
            OutOfRange = outOfRange,
            Onnx = onnx!,
            Labels = labels,
            Sha256 = sha!.ToLowerInvariant(),
            Runtime = runtime,
            Training = training,
        };
    }

    private static List<FeatureSpec>? ParseFeatures(JsonElement root, JsonFieldReader r)
    {
        if (!r.Array(root, "", "features", required: true, out var array))
        {
            return null;
        }

        if (array.GetArrayLength() == 0)
        {
            r.Add("features", "must declare at least one feature");
            return null;
        }

        var features = new List<FeatureSpec>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        var ok = true;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"features[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                r.Add(path, $"expected an object, got {JsonFieldReader.Describe(item)}");
                ok = false;
                continue;
            }

            var before = r.Errors.Count;
            var fname = r.String(item, path, "name", required: true);
            if (fname is not null && !names.Add(fname))
            {
                r.Add($"{path}.name", $"duplicate feature name '{UserText.Shorten(fname, 64)}'");
            }

            var type = r.Enum(item, path, "type", true, FeatureTypes, "float, int or string");
            var required = r.Boolean(item, path, "required") ?? true;
            var min = r.Number(item, path, "min");
            var max = r.Number(item, path, "max");
            if (type == FeatureType.String && (min is not null || max is not null))
            {
                r.Add($"{path}.{(min is not null ? "min" : "max")}", "min/max apply to float and int features only");
            }

            if (min is not null && max is not null && min > max)
            {
                r.Add($"{path}.max", "must be greater than or equal to min");
            }

            var categories = ParseCategories(item, path, type, r);
            if (r.Errors.Count != before)
            {
                ok = false;
                continue;
            }

            features.Add(new FeatureSpec
            {
                Name = fname!,
                Type = type!.Value,
                Required = required,
                Min = min,
                Max = max,
                Categories = categories,
            });
        }

        return ok ? features : null;
    }

    private static List<string>? ParseCategories(JsonElement item, string path, FeatureType? type, JsonFieldReader r)
    {
        if (!r.Array(item, path, "categories", required: false, out var array))
        {
            return null;
        }

        if (type == FeatureType.Float)
        {
            r.Add($"{path}.categories", "categories apply to string and int features only");
            return null;
        }

        if (array.GetArrayLength() == 0)
        {
            r.Add($"{path}.categories", "must list at least one category when present");
            return null;
        }

        var categories = new List<string>();
        var j = 0;
        foreach (var c in array.EnumerateArray())
        {
            var cpath = $"{path}.categories[{j++}]";
            string? value = c.ValueKind switch
            {
                JsonValueKind.String when type == FeatureType.String => c.GetString(),
                JsonValueKind.Number when type == FeatureType.Int && c.TryGetInt64(out var l) => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
                JsonValueKind.String when type == FeatureType.Int && long.TryParse(c.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var l2) => l2.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => null,
            };
            if (value is null)
            {
                r.Add(cpath, type == FeatureType.Int ? $"expected an integer, got {JsonFieldReader.Describe(c)}" : $"expected a string, got {JsonFieldReader.Describe(c)}");
            }
            else if (categories.Contains(value))
            {
                r.Add(cpath, $"duplicate category '{UserText.Shorten(value, 64)}'");
            }
            else
            {
                categories.Add(value);
            }
        }

        return categories;
    }

    private static List<string> ParseLabels(JsonElement root, ModelTask? task, JsonFieldReader r)
    {
        var labels = new List<string>();
        var classifier = task is ModelTask.BinaryClassification or ModelTask.MulticlassClassification;
        if (!r.Array(root, "", "labels", required: classifier, out var array))
        {
            return labels;
        }

        if (task == ModelTask.Regression)
        {
            if (array.GetArrayLength() > 0)
            {
                r.Add("labels", "must be empty or absent for regression");
            }

            return labels;
        }

        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            var path = $"labels[{i++}]";
            if (item.ValueKind != JsonValueKind.String || item.GetString()!.Length == 0)
            {
                r.Add(path, $"expected a non-empty string, got {JsonFieldReader.Describe(item)}");
            }
            else if (labels.Contains(item.GetString()!))
            {
                r.Add(path, $"duplicate label '{UserText.Shorten(item.GetString()!, 64)}'");
            }
            else
            {
                labels.Add(item.GetString()!);
            }
        }

        if (task == ModelTask.BinaryClassification && array.GetArrayLength() != 2)
        {
            r.Add("labels", $"binary-classification needs exactly 2 labels, got {array.GetArrayLength()}");
        }
        else if (task == ModelTask.MulticlassClassification && array.GetArrayLength() < 2)
        {
            r.Add("labels", $"multiclass-classification needs at least 2 labels, got {array.GetArrayLength()}");
        }

        return labels;
    }

    private static OnnxMapping? ParseOnnx(JsonElement root, List<FeatureSpec>? features, ModelTask? task, JsonFieldReader r)
    {
        if (!r.Object(root, "", "onnx", required: true, out var onnx))
        {
            return null;
        }

        var before = r.Errors.Count;
        var inputs = new List<OnnxInputMapping>();
        if (r.Array(onnx, "onnx", "inputs", required: true, out var array))
        {
            if (array.GetArrayLength() == 0)
            {
                r.Add("onnx.inputs", "must declare at least one input");
            }

            var i = 0;
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in array.EnumerateArray())
            {
                var input = ParseInput(item, $"onnx.inputs[{i++}]", features, r);
                if (input is not null && !names.Add(input.Name))
                {
                    r.Add($"onnx.inputs[{i - 1}].name", $"duplicate input name '{UserText.Shorten(input.Name, 64)}'");
                }
                else if (input is not null)
                {
                    inputs.Add(input);
                }
            }
        }

        OnnxOutputMapping? outputs = null;
        if (r.Object(onnx, "onnx", "outputs", required: true, out var o))
        {
            outputs = new OnnxOutputMapping
            {
                Label = r.String(o, "onnx.outputs", "label", required: false),
                Probabilities = r.String(o, "onnx.outputs", "probabilities", required: false),
                Value = r.String(o, "onnx.outputs", "value", required: false),
            };
            if (task == ModelTask.Regression && outputs.Value is null)
            {
                r.Add("onnx.outputs.value", "is required for regression");
            }
            else if (task is ModelTask.BinaryClassification or ModelTask.MulticlassClassification && outputs.Label is null && outputs.Probabilities is null)
            {
                r.Add("onnx.outputs", "a classifier needs a label or a probabilities output");
            }
        }

        return r.Errors.Count == before && outputs is not null ? new OnnxMapping { Inputs = inputs, Outputs = outputs } : null;
    }

    private static OnnxInputMapping? ParseInput(JsonElement item, string path, List<FeatureSpec>? features, JsonFieldReader r)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            r.Add(path, $"expected an object, got {JsonFieldReader.Describe(item)}");
            return null;
        }

        var before = r.Errors.Count;
        var name = r.String(item, path, "name", required: true);
        var elementType = r.Enum(item, path, "elementType", false, ElementTypes, "float, double, int64, int32 or string") ?? OnnxElementType.Float;
        var packed = new List<string>();
        if (r.Array(item, path, "features", required: false, out var array))
        {
            if (array.GetArrayLength() == 0)
            {
                r.Add($"{path}.features", "must list at least one feature when present");
            }

            var j = 0;
            foreach (var f in array.EnumerateArray())
            {
                var fpath = $"{path}.features[{j++}]";
                if (f.ValueKind != JsonValueKind.String)
                {
                    r.Add(fpath, $"expected a feature name, got {JsonFieldReader.Describe(f)}");
                    continue;
                }

                var fname = f.GetString()!;
                var spec = features?.Find(x => x.Name == fname);
                if (features is not null && spec is null)
                {
                    r.Add(fpath, $"unknown feature '{UserText.Shorten(fname, 64)}' (not in features)");
                }
                else if (spec is not null && !CanPack(spec.Type, elementType))
                {
                    r.Add(fpath, $"feature '{UserText.Shorten(fname, 64)}' of type {Lower(spec.Type)} cannot be packed into a {Lower(elementType)} tensor");
                }

                packed.Add(fname);
            }
        }
        else if (features is not null)
        {
            foreach (var spec in features)
            {
                if (!CanPack(spec.Type, elementType))
                {
                    r.Add($"{path}.features", $"omitted, so every feature is packed, but feature '{UserText.Shorten(spec.Name, 64)}' of type {Lower(spec.Type)} cannot be packed into a {Lower(elementType)} tensor");
                }

                packed.Add(spec.Name);
            }
        }

        return r.Errors.Count == before ? new OnnxInputMapping { Name = name!, ElementType = elementType, Features = packed } : null;
    }

    private static RuntimeSettings ParseRuntime(JsonElement root, JsonFieldReader r)
    {
        var defaults = new RuntimeSettings();
        if (!r.Object(root, "", "runtime", required: false, out var rt))
        {
            return defaults;
        }

        return new RuntimeSettings
        {
            Device = r.Enum(rt, "runtime", "device", false, Devices, "cpu or cuda") ?? defaults.Device,
            DevicePolicy = r.Enum(rt, "runtime", "devicePolicy", false, DevicePolicies, "require or prefer-gpu") ?? defaults.DevicePolicy,
            IntraOpThreads = r.Integer(rt, "runtime", "intraOpThreads", 0, 1024) ?? defaults.IntraOpThreads,
            MaxBatch = r.Integer(rt, "runtime", "maxBatch", 1, MaxBatchLimit) ?? defaults.MaxBatch,
        };
    }

    /// <summary>Numbers go into numeric tensors (an int feature may widen into float/double), strings into string tensors.</summary>
    private static bool CanPack(FeatureType type, OnnxElementType element) => type switch
    {
        FeatureType.Float => element is OnnxElementType.Float or OnnxElementType.Double,
        FeatureType.Int => element is OnnxElementType.Float or OnnxElementType.Double or OnnxElementType.Int64 or OnnxElementType.Int32,
        FeatureType.String => element is OnnxElementType.String,
        _ => false,
    };

    private static string Lower<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
