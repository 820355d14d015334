using Shipyard.Testing;
using System.Net;
using System.Text;
using Shipyard.Server.Tests.Infrastructure;
using Xunit;

namespace Shipyard.Server.Tests.Errors;

/// <summary>
/// Hostile and broken requests: every one gets a 4xx application/problem+json (never a 500, never a hang), and the
/// server keeps serving correct requests afterwards.
/// </summary>
public sealed class BadInputCorpusTests : IClassFixture<BadInputCorpusTests.Factory>
{
    private const string Predict = "/api/models/diabetes/versions/1/predict";
    private const string Infer = "/v2/models/diabetes/infer";
    private readonly Factory _factory;

    public BadInputCorpusTests(Factory factory)
    {
        _factory = factory;
    }

    public static TheoryData<string, string, string, string, int> Corpus()
    {
        var good = GoodInstanceJson();
        var data = new TheoryData<string, string, string, string, int>
        {
            // name, method+path, body, content type, expected status
            { "empty body", Predict, "", "application/json", 400 },
            { "truncated object", Predict, "{\"instances\":[{", "application/json", 400 },
            { "bare word", Predict, "nul", "application/json", 400 },
            { "trailing garbage", Predict, "{\"instances\":[]} x", "application/json", 400 },
            { "single quotes", Predict, "{'instances':[]}", "application/json", 400 },
            { "comment", Predict, "{/* hi */\"instances\":[" + good + "]}", "application/json", 400 },
            { "NaN literal", Predict, "{\"instances\":[{\"age\":NaN}]}", "application/json", 400 },
            { "Infinity literal", Predict, "{\"instances\":[{\"age\":Infinity}]}", "application/json", 400 },
            { "-Infinity literal", Predict, "{\"instances\":[{\"age\":-Infinity}]}", "application/json", 400 },
            { "NaN string", Predict, "{\"instances\":[" + ReplaceAge(good, "\"NaN\"") + "]}", "application/json", 400 },
            { "number overflow", Predict, "{\"instances\":[" + ReplaceAge(good, "1e999") + "]}", "application/json", 400 },
            { "array root", Predict, "[1,2,3]", "application/json", 400 },
            { "string root", Predict, "\"instances\"", "application/json", 400 },
            { "instances not array", Predict, "{\"instances\":{\"age\":1}}", "application/json", 400 },
            { "instances empty", Predict, "{\"instances\":[]}", "application/json", 400 },
            { "instance is number", Predict, "{\"instances\":[5]}", "application/json", 400 },
            { "instance is null", Predict, "{\"instances\":[null]}", "application/json", 400 },
            { "feature is bool", Predict, "{\"instances\":[" + ReplaceAge(good, "true") + "]}", "application/json", 400 },
            { "feature is object", Predict, "{\"instances\":[" + ReplaceAge(good, "{\"v\":1}") + "]}", "application/json", 400 },
            { "feature is array", Predict, "{\"instances\":[" + ReplaceAge(good, "[1]") + "]}", "application/json", 400 },
            { "feature is null", Predict, "{\"instances\":[" + ReplaceAge(good, "null") + "]}", "application/json", 400 },
            { "missing instances", Predict, "{}", "application/json", 400 },
            { "missing features", Predict, "{\"instances\":[{}]}", "application/json", 400 },
            { "extra feature", Predict, "{\"instances\":[" + good.Replace("{", "{\"colour\":1,", StringComparison.Ordinal) + "]}", "application/json", 400 },
            { "extra top-level field", Predict, "{\"instances\":[" + good + "],\"debug\":true}", "application/json", 400 },
            { "unicode feature name", Predict, "{\"instances\":[" + good.Replace("{", "{\"âge\":1,", StringComparison.Ordinal) + "]}", "application/json", 400 },
            { "emoji feature name", Predict, "{\"instances\":[" + good.Replace("{", "{\"🚢\":1,", StringComparison.Ordinal) + "]}", "application/json", 400 },
            { "lone surrogate name", Predict, "{\"instances\":[" + good.Replace("{", "{\"\\ud800\":1,", StringComparison.Ordinal) + "]}", "application/json", 400 },
            { "control chars in value", Predict, "{\"instances\":[" + ReplaceAge(good, "\"\\u0000\\u0001\"") + "]}", "application/json", 400 },
            { "invalid utf-8", Predict, "{\"instances\":[{\"age\":\"\u00ff\"}]}", "application/json; charset=latin1", 400 },
            { "deep nesting", Predict, new string('[', 5000) + new string(']', 5000), "application/json", 400 },
            { "deep nesting in feature", Predict, "{\"instances\":[" + ReplaceAge(good, new string('[', 200) + new string(']', 200)) + "]}", "application/json", 400 },
            { "10 MB array", Predict, "{\"instances\":[" + string.Join(',', Enumerable.Repeat(good, (10 * 1024 * 1024 / good.Length) + 1)) + "]}", "application/json", 413 },
            { "10 MB string", Predict, "{\"instances\":[" + ReplaceAge(good, "\"" + new string('a', 10 * 1024 * 1024) + "\"") + "]}", "application/json", 413 },
            { "plain text", Predict, "age=1", "text/plain", 415 },
            { "form", Predict, "age=1", "application/x-www-form-urlencoded", 415 },
            { "xml", Predict, "<instances/>", "application/xml", 415 },
            { "unicode model name", "/api/models/%D0%BC%D0%BE%D0%B4%D0%B5%D0%BB%D1%8C/predict", "{\"instances\":[" + good + "]}", "application/json", 400 },
            { "dot-dot model name", "/api/models/..%2F..%2Fsecrets/predict", "{\"instances\":[" + good + "]}", "application/json", 400 },
            { "unicode version", "/api/models/diabetes/versions/%D9%A1/predict", "{\"instances\":[" + good + "]}", "application/json", 400 },
            { "infer malformed", Infer, "{\"inputs\":[", "application/json", 400 },
            { "infer NaN", Infer, "{\"inputs\":[{\"name\":\"age\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[NaN]}]}", "application/json", 400 },
            { "infer shape mismatch", Infer, "{\"inputs\":[{\"name\":\"age\",\"shape\":[3],\"datatype\":\"FP32\",\"data\":[1]}]}", "application/json", 400 },
            { "infer unknown datatype", Infer, "{\"inputs\":[{\"name\":\"age\",\"shape\":[1],\"datatype\":\"FP99\",\"data\":[1]}]}", "application/json", 400 },
            { "infer huge shape", Infer, "{\"inputs\":[{\"name\":\"age\",\"shape\":[9223372036854775807],\"datatype\":\"FP32\",\"data\":[1]}]}", "application/json", 413 },
            { "infer deep nesting", Infer, "{\"inputs\":" + new string('[', 3000) + new string(']', 3000) + "}", "application/json", 400 },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task BadRequest_Gets4xxProblem_AndTheServerKeepsServing(string name, string path, string body, string contentType, int status)
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        using var content = new ByteArrayContent(contentType.Contains("latin1", StringComparison.Ordinal) ? Encoding.Latin1.GetBytes(body) : Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content);

        var problem = await HttpAssert.ProblemAsync(response, (HttpStatusCode)status);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), name);
        using var healthy = await client.PostAsync(new Uri(Predict, UriKind.Relative), Json.Raw("{\"instances\":[" + GoodInstanceJson() + "]}"));
        await HttpAssert.OkJsonAsync(healthy);
    }

    [Fact]
    public async Task ChunkedBodyOverTheLimit_Gets413()
    {
        using var client = await _factory.CreateReadyClientAsync(ShipyardApplicationFactory.FunctionKey);
        var big = "{\"instances\":[" + string.Join(',', Enumerable.Repeat(GoodInstanceJson(), (5 * 1024 * 1024 / GoodInstanceJson().Length) + 1)) + "]}";
        using var content = new StreamContent(new NoLengthStream(Encoding.UTF8.GetBytes(big)));
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");

        using var response = await client.PostAsync(new Uri(Predict, UriKind.Relative), content);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    private static string GoodInstanceJson() =>
        System.Text.Json.JsonSerializer.Serialize(SampleCases.Load("diabetes", "1").Cases[0].Instance);

    private static string ReplaceAge(string instanceJson, string value)
    {
        var start = instanceJson.IndexOf("\"age\":", StringComparison.Ordinal) + "\"age\":".Length;
        var end = instanceJson.IndexOf(',', start);
        return string.Concat(instanceJson.AsSpan(0, start), value, instanceJson.AsSpan(end));
    }

    /// <summary>A stream without a length, so the client sends the body chunked (no Content-Length to trust).</summary>
    private sealed class NoLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    public sealed class Factory() : ShipyardFactoryFixture(ShipyardApplicationFactory.WithKeys());
}
