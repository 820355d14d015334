namespace Shipyard.Protobuf;

/// <summary>Receives one length-delimited protobuf field (<see cref="ProtoWireReader.ForEachLengthDelimited"/>): its number and its bytes.</summary>
/// <param name="field">The field number.</param>
/// <param name="body">The field's bytes.</param>
public delegate void ProtoFieldHandler(int field, ReadOnlySpan<byte> body);
