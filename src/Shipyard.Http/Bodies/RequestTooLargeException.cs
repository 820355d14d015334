using Shipyard.Http.Errors;

namespace Shipyard.Http.Bodies;

/// <summary>Thrown while reading a body that exceeds its limit; answered with 413.</summary>
internal sealed class RequestTooLargeException : IOException
{
    public RequestTooLargeException(long limit)
        : base($"body: the request body is larger than the limit of {limit} bytes (Shipyard:Http:MaxRequestBodyBytes).")
    {
        Limit = limit;
    }

    public long Limit { get; }

    public RequestRejectedException ToRejection() =>
        new(StatusCodes.Status413PayloadTooLarge, "Request body too large.", [Message]);
}
