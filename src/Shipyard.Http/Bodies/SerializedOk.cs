using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Shipyard.Http.Bodies;

/// <summary>
/// 200 with a JSON body serialized before the response starts, so it goes out with <c>Content-Length</c> in one write.
/// <c>TypedResults.Ok</c> streams the body chunked: Kestrel then sends the headers and body, and later the closing
/// chunk, in two socket writes that wake the client twice. The predict routes answer small bodies at high rates, where
/// that second write costs more than holding the body in memory; the OpenAPI metadata is the same as <c>Ok&lt;T&gt;</c>'s.
/// </summary>
public sealed class SerializedOk<T> : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>, IContentTypeHttpResult, IEndpointMetadataProvider
{
    private const string JsonContentType = "application/json; charset=utf-8";

    private readonly Func<T, JsonSerializerOptions, byte[]?>? _write;

    internal SerializedOk(T value, Func<T, JsonSerializerOptions, byte[]?>? write)
    {
        Value = value;
        _write = write;
    }

    /// <summary>The answer.</summary>
    public T Value { get; }

    object? IValueHttpResult.Value => Value;

    /// <inheritdoc />
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc />
    public string ContentType => JsonContentType;

    /// <summary>Writes the JSON (with the given writer, else the serializer) for the app's HTTP JSON options, sets <c>Content-Length</c> and writes once.</summary>
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var options = httpContext.RequestServices.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions;
        var body = _write?.Invoke(Value, options) ?? JsonSerializer.SerializeToUtf8Bytes(Value, options.GetTypeInfo(typeof(T)));
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonContentType;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }

    /// <inheritdoc />
    [SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "IEndpointMetadataProvider's member is static.")]
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
    }
}

/// <summary>Creates <see cref="SerializedOk{T}"/>.</summary>
public static class SerializedOk
{
    /// <summary>200 with <paramref name="value"/> as JSON, <c>Content-Length</c> set.</summary>
    public static SerializedOk<T> Of<T>(T value) => new(value, null);

    /// <summary>
    /// 200 with <paramref name="value"/> as the JSON <paramref name="write"/> gives for the app's HTTP JSON options,
    /// which must be the bytes the serializer would give with them (its tests compare them); where it gives null, the serializer writes.
    /// </summary>
    public static SerializedOk<T> Of<T>(T value, Func<T, JsonSerializerOptions, byte[]?> write) => new(value, write);
}
