using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Shipyard.Models;
using Shipyard.Testing;
using Xunit;

namespace Shipyard.Tests.Models;

public class ModelManifestTests
{
    private static readonly JsonSerializerOptions WebOptions = new(JsonSerializerDefaults.Web);

    [Theory]
    [InlineData("breast-cancer", true)]
    [InlineData("a", true)]
    [InlineData("0-model", true)]
    [InlineData("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl", true)] // 64 characters
    [InlineData("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm", false)] // 65
    [InlineData("", false)]
    [InlineData("-model", false)]
    [InlineData("Model", false)]
    [InlineData("model_1", false)]
    [InlineData("model\n", false)] // a trailing newline must not pass (regex '$' would let it)
    [InlineData("mödel", false)]
    [InlineData("../etc", false)]
    public void IsValidName_LowercaseLettersDigitsAndDashes_StartingWithALetterOrDigit(string name, bool valid) =>
        Assert.Equal(valid, ModelManifest.IsValidName(name.Replace("\\n", "\n", StringComparison.Ordinal)));

    [Theory]
    [InlineData("1", true)]
    [InlineData("42", true)]
    [InlineData("999999999", true)]
    [InlineData("1000000000", false)] // ten digits
    [InlineData("0", false)]
    [InlineData("01", false)]
    [InlineData("", false)]
    [InlineData("1\n", false)]
    [InlineData("1.0", false)]
    [InlineData("١", false)] // a non-ASCII digit
    public void IsValidVersion_PositiveIntegerWithoutLeadingZeros(string version, bool valid) =>
        Assert.Equal(valid, ModelManifest.IsValidVersion(version.Replace("\\n", "\n", StringComparison.Ordinal)));

    [Fact]
    public void Parse_Sha256WithATrailingNewline_IsRejected()
    {
        var json = TestManifests.Classifier();
        json["sha256"] = new string('a', 64) + "\n";

        var ex = Assert.Throws<ManifestException>(() => TestManifests.Parse(json));

        Assert.Contains(ex.Errors, e => e.StartsWith("sha256: expected 64 hexadecimal characters", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ValidManifest_FillsEveryFieldAndDefaults()
    {
        var m = TestManifests.Parse(TestManifests.Classifier());

        Assert.Equal("toy", m.Name);
        Assert.Equal("1", m.Version);
        Assert.Equal(ModelTask.BinaryClassification, m.Task);
        Assert.Equal(["a", "b", "c"], m.Features.Select(f => f.Name));
        Assert.Equal([FeatureType.Float, FeatureType.Int, FeatureType.String], m.Features.Select(f => f.Type));
        Assert.False(m.Features[2].Required);
        Assert.Equal(["x", "y"], m.Features[2].Categories!);
        Assert.Equal(UnknownFeaturePolicy.Reject, m.UnknownFeatures);
        Assert.Equal(RangePolicy.Allow, m.OutOfRange);
        Assert.Equal(OnnxElementType.String, m.Onnx.Inputs[1].ElementType);
        Assert.Equal(["no", "yes"], m.Labels);
        Assert.Equal(ComputeDevice.Cpu, m.Runtime.Device);
        Assert.Equal(1024, m.Runtime.MaxBatch);
        Assert.Null(m.Training);
    }

    [Fact]
    public void Parse_InputWithoutFeatures_PacksEveryFeatureInManifestOrder()
    {
        var json = TestManifests.Classifier();
        json["features"]!.AsArray().RemoveAt(2);
        json["onnx"]!["inputs"] = new JsonArray(new JsonObject { ["name"] = "input" });

        var m = TestManifests.Parse(json);

        Assert.Equal(["a", "b"], m.Onnx.Inputs[0].Features);
        Assert.Equal(OnnxElementType.Float, m.Onnx.Inputs[0].ElementType);
    }

    [Theory]
    [MemberData(nameof(MalformedManifests))]
    public void Parse_MalformedManifest_ThrowsNamingTheField(string mutation, string expectedError)
    {
        var json = TestManifests.Classifier();
        Mutate(json, mutation);

        var ex = Assert.Throws<ManifestException>(() => TestManifests.Parse(json));

        Assert.Contains(expectedError, ex.Errors);
        Assert.Contains(expectedError, ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> MalformedManifests() => new()
    {
        { "remove name", "name: is required" },
        { "name=Bad Name", "name: 'Bad Name' is not a valid model name (lowercase letters, digits and '-', 1-64 characters, starting with a letter or digit)" },
        { "version=01", "version: '01' is not a valid version (a positive integer without leading zeros, such as \"1\")" },
        { "version#1", "version: expected a string, got the number 1" },
        { "task=clustering", "task: expected binary-classification, multiclass-classification or regression, got a string" },
        { "features=[]", "features: must declare at least one feature" },
        { "features[1].type=double", "features[1].type: expected float, int or string, got a string" },
        { "features[0].min#20", "features[0].max: must be greater than or equal to min" },
        { "features[0].required=yes", "features[0].required: expected true or false, got a string" },
        { "features[1].name=a", "features[1].name: duplicate feature name 'a'" },
        { "features[2].min#1", "features[2].min: min/max apply to float and int features only" },
        { "features[0].categories=[]", "features[0].categories: categories apply to string and int features only" },
        { "remove features[0].name", "features[0].name: is required" },
        { "unknownFeatures=drop", "unknownFeatures: expected reject or ignore, got a string" },
        { "outOfRange=clip", "outOfRange: expected allow or reject, got a string" },
        { "remove onnx", "onnx: is required" },
        { "remove onnx.inputs", "onnx.inputs: is required" },
        { "onnx.inputs[0].features[1]=zzz", "onnx.inputs[0].features[1]: unknown feature 'zzz' (not in features)" },
        { "onnx.inputs[1].features[0]=a", "onnx.inputs[1].features[0]: feature 'a' of type float cannot be packed into a string tensor" },
        { "onnx.inputs[0].elementType=int64", "onnx.inputs[0].features[0]: feature 'a' of type float cannot be packed into a int64 tensor" },
        { "onnx.inputs[0].elementType=float16", "onnx.inputs[0].elementType: expected float, double, int64, int32 or string, got a string" },
        { "onnx.inputs[1].name=num", "onnx.inputs[1].name: duplicate input name 'num'" },
        { "remove onnx.outputs.label;remove onnx.outputs.probabilities", "onnx.outputs: a classifier needs a label or a probabilities output" },
        { "task=regression", "onnx.outputs.value: is required for regression" },
        { "remove labels", "labels: is required" },
        { "labels=[]", "labels: binary-classification needs exactly 2 labels, got 0" },
        { "labels[1]=no", "labels[1]: duplicate label 'no'" },
        { "sha256=abc", "sha256: expected 64 hexadecimal characters (the SHA-256 of model.onnx)" },
        { "runtime={}; runtime.device=tpu", "runtime.device: expected cpu or cuda, got a string" },
        { "runtime={}; runtime.maxBatch#0", "runtime.maxBatch: expected an integer from 1 to 1000000, got the number 0" },
        { "runtime={}; runtime.intraOpThreads=2", "runtime.intraOpThreads: expected an integer from 0 to 1024, got a string" },
        { "training=[]", "training: expected an object, got an array" },
    };

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOne()
    {
        var json = TestManifests.Classifier();
        Mutate(json, "version=x; features[1].type=bool; sha256=zz");

        var ex = Assert.Throws<ManifestException>(() => TestManifests.Parse(json));

        Assert.Equal(3, ex.Errors.Count);
        Assert.StartsWith("version: ", ex.Errors[0], StringComparison.Ordinal);
        Assert.StartsWith("features[1].type: ", ex.Errors[1], StringComparison.Ordinal);
        Assert.StartsWith("sha256: ", ex.Errors[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "model.json: not valid JSON")]
    [InlineData("{\"name\":", "model.json: not valid JSON")]
    [InlineData("[1,2]", "model.json: expected a JSON object, got an array")]
    [InlineData("null", "model.json: expected a JSON object, got null")]
    public void Parse_NotAnObject_ThrowsWithClearMessage(string text, string expectedStart)
    {
        var ex = Assert.Throws<ManifestException>(() => ModelManifest.Parse(Encoding.UTF8.GetBytes(text)));

        Assert.StartsWith(expectedStart, Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Utf8Bom_IsAccepted()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(TestManifests.Classifier().ToJsonString())).ToArray();

        Assert.Equal("toy", ModelManifest.Parse(bytes).Name);
    }

    [Fact]
    public void Serialize_WithWebDefaults_RoundTripsToTheSameManifest()
    {
        var json = TestManifests.Classifier();
        json["runtime"] = new JsonObject { ["device"] = "cuda", ["devicePolicy"] = "prefer-gpu" };
        json["training"] = new JsonObject { ["seed"] = 42 };
        var m = TestManifests.Parse(json);

        var text = JsonSerializer.Serialize(m, WebOptions);
        var again = ModelManifest.Parse(Encoding.UTF8.GetBytes(text));

        Assert.Contains("\"task\":\"binary-classification\"", text, StringComparison.Ordinal);
        Assert.Contains("\"devicePolicy\":\"prefer-gpu\"", text, StringComparison.Ordinal);
        Assert.Equal(m.Features, again.Features, (x, y) => x.Name == y.Name && x.Type == y.Type && x.Min == y.Min);
        Assert.Equal(DevicePolicy.PreferGpu, again.Runtime.DevicePolicy);
        Assert.Equal(42, again.Training!.Value.GetProperty("seed").GetInt32());
    }

    [Fact]
    public void Parse_EveryBundledManifest_IsValidAndMatchesItsFolder()
    {
        var manifests = Directory.GetFiles(RepoPaths.Models, "model.json", SearchOption.AllDirectories);
        Assert.NotEmpty(manifests);

        foreach (var path in manifests)
        {
            var m = ModelManifest.Parse(File.ReadAllBytes(path));
            var versionDir = Path.GetDirectoryName(path)!;
            Assert.Equal(Path.GetFileName(versionDir), m.Version);
            Assert.Equal(Path.GetFileName(Path.GetDirectoryName(versionDir)), m.Name);
        }
    }

    /// <summary>Applies "path=stringValue", "path#jsonValue", "path=[]", "path={}" or "remove path" edits separated by ';'.</summary>
    internal static void Mutate(JsonObject root, string mutations)
    {
        foreach (var raw in mutations.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (raw.StartsWith("remove ", StringComparison.Ordinal))
            {
                var (parent, key) = Navigate(root, raw["remove ".Length..]);
                parent.AsObject().Remove(key);
                continue;
            }

            var json = raw.Contains('#', StringComparison.Ordinal);
            var parts = raw.Split(json ? '#' : '=', 2);
            var value = json || parts[1] is "[]" or "{}" ? JsonNode.Parse(parts[1]) : JsonValue.Create(parts[1]);
            var (p, k) = Navigate(root, parts[0]);
            if (p is JsonArray arr)
            {
                arr[int.Parse(k, System.Globalization.CultureInfo.InvariantCulture)] = value;
            }
            else
            {
                p.AsObject()[k] = value;
            }
        }
    }

    private static (JsonNode Parent, string Key) Navigate(JsonObject root, string path)
    {
        var tokens = path.Replace("[", ".", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Split('.');
        JsonNode node = root;
        for (var i = 0; i < tokens.Length - 1; i++)
        {
            node = node is JsonArray a ? a[int.Parse(tokens[i], System.Globalization.CultureInfo.InvariantCulture)]! : node[tokens[i]]!;
        }

        return (node, tokens[^1]);
    }
}
