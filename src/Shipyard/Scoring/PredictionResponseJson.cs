using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shipyard.Scoring;

/// <summary>
/// The predict answer (<c>{"model","version","predictions":[…]}</c>, DESIGN.md §3) written straight to UTF-8: the
/// same bytes System.Text.Json writes for a <see cref="PredictionResponse"/> with the given options, without the
/// serializer's per-object machinery: on a one-instance breast-cancer answer 0.23 instead of 0.44 µs alone, and in
/// the server at saturation 0.7 instead of 1.7 µs per request (where the serializer's metadata lookups miss the
/// caches); see docs/benchmarks.md ("HTTP"). Strings that need escaping are escaped by
/// <see cref="JsonEncodedText"/> with the options' encoder, as the serializer escapes them, and numbers are formatted
/// as its writer formats them; the HTTP API's tests compare the two for every sample of every bundled model and for
/// names that need escaping.
/// </summary>
public static class PredictionResponseJson
{
    /// <summary>
    /// The answer's JSON as <paramref name="options"/> would serialize it, or null for what only the serializer
    /// decides: options other than camelCase, compact, numbers as numbers and the default or the relaxed encoder (another
    /// encoder may escape even the property names); a number that is not finite (it refuses those or writes it as a
    /// string); a null string; a <see cref="Prediction"/> type this writer does not know.
    /// </summary>
    public static byte[]? TryWrite(PredictionResponse response, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(options);
        if (options.PropertyNamingPolicy != JsonNamingPolicy.CamelCase || options.WriteIndented ||
            (options.NumberHandling & JsonNumberHandling.WriteAsString) != 0 || !KnownEncoder(options.Encoder) ||
            response.Model is null || response.Version is null)
        {
            return null;
        }

        var output = new Output(ArrayPool<byte>.Shared.Rent(256), options.Encoder);
        try
        {
            output.Ascii("{\"model\":"u8);
            output.String(response.Model);
            output.Ascii(",\"version\":"u8);
            output.String(response.Version);
            output.Ascii(",\"predictions\":["u8);
            var predictions = response.Predictions;
            for (var i = 0; i < predictions.Count; i++)
            {
                if (i > 0)
                {
                    output.Ascii(","u8);
                }

                if (!TryWritePrediction(ref output, predictions[i]))
                {
                    return null;
                }
            }

            output.Ascii("]}"u8);
            return output.Written.ToArray();
        }
        finally
        {
            output.Return();
        }
    }

    // The encoders whose escaping IsPlain is a subset of: System.Text.Json's default, and ASP.NET Core's relaxed one.
    private static bool KnownEncoder(JavaScriptEncoder? encoder) =>
        encoder is null || encoder == JavaScriptEncoder.Default || encoder == JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static bool TryWritePrediction(ref Output output, Prediction prediction)
    {
        switch (prediction)
        {
            case ClassPrediction { Label: not null, Probabilities: not null } c:
                output.Ascii("{\"label\":"u8);
                output.String(c.Label);
                output.Ascii(",\"probabilities\":{"u8);
                var first = true;
                foreach (var (label, p) in c.Probabilities) // in the order the serializer enumerates
                {
                    if (!TryWriteMember(ref output, ref first, label, p))
                    {
                        return false;
                    }
                }

                output.Ascii("}"u8);
                output.PredictionId(c.PredictionId);
                output.Ascii("}"u8);
                return true;
            case RegressionPrediction r:
                output.Ascii("{\"value\":"u8);
                if (!output.Number(r.Value))
                {
                    return false;
                }

                output.PredictionId(r.PredictionId);
                output.Ascii("}"u8);
                return true;
            default:
                return false;
        }
    }

    private static bool TryWriteMember(ref Output output, ref bool first, string name, double value)
    {
        if (!first)
        {
            output.Ascii(","u8);
        }

        first = false;
        if (name is null)
        {
            return false;
        }

        output.String(name);
        output.Ascii(":"u8);
        return output.Number(value);
    }

    /// <summary>A growing buffer rented from the shared pool; strings escaped with <paramref name="encoder"/> (null: the default).</summary>
    private struct Output(byte[] buffer, JavaScriptEncoder? encoder)
    {
        private readonly JavaScriptEncoder? _encoder = encoder;
        private byte[] _buffer = buffer;
        private int _length;

        public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

        public void Ascii(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(Reserve(bytes.Length));
            _length += bytes.Length;
        }

        /// <summary>A quoted string: copied when the known encoders escape none of its characters, else escaped as the serializer escapes it.</summary>
        public void String(string value)
        {
            var span = Reserve(value.Length + 2); // enough when every character is one byte, which is all that is copied
            span[0] = (byte)'"';
            var plain = true;
            for (var i = 0; i < value.Length && plain; i++)
            {
                var c = value[i];
                plain = IsPlain(c);
                span[i + 1] = (byte)c;
            }

            if (plain)
            {
                span[value.Length + 1] = (byte)'"';
                _length += value.Length + 2;
                return;
            }

            var escaped = JsonEncodedText.Encode(value, _encoder).EncodedUtf8Bytes;
            var target = Reserve(escaped.Length + 2);
            target[0] = (byte)'"';
            escaped.CopyTo(target[1..]);
            target[escaped.Length + 1] = (byte)'"';
            _length += escaped.Length + 2;
        }

        /// <summary><c>,"predictionId":"…"</c>, or nothing when there is no id.</summary>
        public void PredictionId(string? id)
        {
            if (id is not null)
            {
                Ascii(",\"predictionId\":"u8);
                String(id);
            }
        }

        /// <summary>A finite number in the shortest form that reads back the same, as the serializer's writer formats it.</summary>
        public bool Number(double value)
        {
            if (!double.IsFinite(value))
            {
                return false;
            }

            const int MaxNumberBytes = 32; // "-1.7976931348623157E+308" is 24
            var written = value.TryFormat(Reserve(MaxNumberBytes), out var n, default, CultureInfo.InvariantCulture);
            _length += n;
            return written;
        }

        public readonly void Return() => ArrayPool<byte>.Shared.Return(_buffer);

        private Span<byte> Reserve(int count)
        {
            if (_buffer.Length - _length < count)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
                Written.CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
            }

            return _buffer.AsSpan(_length);
        }

        // Printable ASCII that both known encoders leave as it is (the default one also escapes the HTML-sensitive & ' + < > `).
        private static bool IsPlain(char c) => c is >= ' ' and <= '~' and not ('"' or '\\' or '&' or '\'' or '+' or '<' or '>' or '`');
    }
}
