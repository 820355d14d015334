using System.Runtime.InteropServices;
using System.Text;

namespace Shipyard.Onnx.Internals;

/// <summary>UTF-8 conversions for the C API's <c>const char*</c> strings.</summary>
internal static unsafe class Utf8
{
    /// <summary>Decodes a NUL-terminated UTF-8 string; null for a null pointer.</summary>
    public static string? ToString(byte* value) => value == null ? null : Marshal.PtrToStringUTF8((nint)value);

    /// <summary>Allocates a NUL-terminated UTF-8 copy with <see cref="NativeMemory"/>; free with <see cref="NativeMemory.Free"/>.</summary>
    public static byte* Allocate(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var buffer = (byte*)NativeMemory.Alloc((nuint)length + 1);
        var written = Encoding.UTF8.GetBytes(value, new Span<byte>(buffer, length));
        buffer[written] = 0;
        return buffer;
    }
}
