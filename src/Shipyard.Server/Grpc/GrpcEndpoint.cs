namespace Shipyard.Server.Grpc;

/// <summary>Where gRPC listens (<see cref="GrpcOptions.Endpoint"/>).</summary>
/// <param name="Url">The URL as configured (Kestrel binds it as given: <c>http://+:8081</c> is every address).</param>
/// <param name="Port">Its port, which only gRPC uses.</param>
public sealed record GrpcEndpoint(string Url, int Port);
