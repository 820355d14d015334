using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Inference;
using Microsoft.Extensions.Options;
using Shipyard.Http.Hosting;

namespace Shipyard.Server.Grpc;

/// <summary>
/// Binds <c>inference.GRPCInferenceService</c>'s calls (grpc_predict_v2.proto) to <see cref="InferenceService"/>. The
/// health and metadata calls take and give the messages generated from the proto. <c>ModelInfer</c>, the call that
/// carries load, has marshallers of its own: the request is read off the wire straight into the domain's request
/// (<see cref="GrpcInferRequestReader"/>) and the answer written straight onto it (<see cref="GrpcInferResponseWriter"/>),
/// with no generated message objects in between; clients see the same protocol. Each call's endpoint metadata is the
/// attributes of its <see cref="InferenceService"/> method (anonymous health calls, no rate limit), as generated
/// bindings give.
/// </summary>
internal sealed class InferenceServiceMethods(IOptions<HttpServerOptions> http) : IServiceMethodProvider<InferenceService>
{
    /// <summary>The service's full name.</summary>
    public const string ServiceName = "inference.GRPCInferenceService";

    /// <inheritdoc />
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<InferenceService> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Add<ServerLiveRequest, ServerLiveResponse>(context, nameof(InferenceService.ServerLive), (_, _, _) => InferenceService.ServerLive());
        Add<ServerReadyRequest, ServerReadyResponse>(context, nameof(InferenceService.ServerReady), (service, _, _) => service.ServerReady());
        Add<ModelReadyRequest, ModelReadyResponse>(context, nameof(InferenceService.ModelReady), (service, request, _) => service.ModelReady(request));
        Add<ServerMetadataRequest, ServerMetadataResponse>(context, nameof(InferenceService.ServerMetadata), (_, _, _) => InferenceService.ServerMetadata());
        Add<ModelMetadataRequest, ModelMetadataResponse>(context, nameof(InferenceService.ModelMetadata), (service, request, _) => service.ModelMetadata(request));

        var maxRows = http.Value.MaxInstancesPerRequest;
        var infer = new Method<GrpcInferCall, GrpcInferOutput>(
            MethodType.Unary,
            ServiceName,
            nameof(InferenceService.ModelInfer),
            Marshallers.Create<GrpcInferCall>((_, _) => throw OneWay(), call => GrpcInferRequestReader.Read(call.PayloadAsReadOnlySequence(), maxRows)),
            Marshallers.Create<GrpcInferOutput>(GrpcInferResponseWriter.Write, _ => throw OneWay()));
        context.AddUnaryMethod(infer, Metadata(nameof(InferenceService.ModelInfer)), (service, call, callContext) => service.ModelInfer(call, callContext));
    }

    /// <summary>Binds a call that takes and gives generated messages.</summary>
    private static void Add<TRequest, TResponse>(ServiceMethodProviderContext<InferenceService> context, string name, UnaryServerMethod<InferenceService, TRequest, TResponse> invoker)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = new Method<TRequest, TResponse>(MethodType.Unary, ServiceName, name, Messages<TRequest>(), Messages<TResponse>());
        context.AddUnaryMethod(method, Metadata(name), invoker);
    }

    /// <summary>Protobuf messages of <typeparamref name="T"/> over the call's buffers; a request that is not one is
    /// InvalidArgument naming the message type (not the Unknown status of an exception from a handler).</summary>
    private static Marshaller<T> Messages<T>()
        where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create<T>(
            (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context =>
            {
                try
                {
                    return parser.ParseFrom(context.PayloadAsReadOnlySequence());
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"Not a valid {typeof(T).Name} message: {e.Message}"));
                }
            });
    }

    /// <summary>The attributes of the service class and of its method <paramref name="name"/>.</summary>
    private static List<object> Metadata(string name) =>
        [.. typeof(InferenceService).GetCustomAttributes(inherit: true), .. typeof(InferenceService).GetMethod(name)!.GetCustomAttributes(inherit: true)];

    private static NotSupportedException OneWay() => new("The server only reads ModelInfer requests and only writes its responses.");
}
