using System.Buffers;
using System.IO.Pipelines;

namespace Shipyard.Http.Bodies;

/// <summary>A whole request body held in the server's buffers (<see cref="JsonRequestReader.BufferAsync"/>); disposing it hands them back.</summary>
public readonly struct BufferedBody : IDisposable
{
    private readonly PipeReader _reader;

    internal BufferedBody(PipeReader reader, ReadOnlySequence<byte> data)
    {
        _reader = reader;
        Data = data;
    }

    /// <summary>The body's bytes; valid until this is disposed.</summary>
    public ReadOnlySequence<byte> Data { get; }

    /// <inheritdoc />
    public void Dispose() => _reader?.AdvanceTo(Data.End);
}
