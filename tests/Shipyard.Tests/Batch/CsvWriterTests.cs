using System.Globalization;
using System.Text;
using Shipyard.Batch;
using Xunit;

namespace Shipyard.Tests.Batch;

public sealed class CsvWriterTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\r", "\"cr\r\"")]
    [InlineData(" spaced ", " spaced ")]
    public async Task WriteField_QuotesOnlyWhenNeeded(string value, string expected)
    {
        Assert.Equal(expected + "\r\n", await WriteAsync(w => w.WriteField(value)));
    }

    [Fact]
    public async Task WriteField_Record_SeparatesWithCommasAndTerminates()
    {
        var text = await WriteAsync(w =>
        {
            w.WriteRawFields("\"a,b\",c");
            w.WriteField(1.5f);
            w.WriteField(-2L);
            w.EndRecord();
            w.WriteField("x");
        }, newLine: "\n");
        Assert.Equal("\"a,b\",c,1.5,-2\nx\n", text);
    }

    [Fact]
    public async Task WriteField_Floats_RoundTripExactlyInInvariantCulture()
    {
        var random = new Random(42);
        var values = Enumerable.Range(0, 2000).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 30))))
            .Concat([0f, -0f, float.Epsilon, float.MaxValue, float.MinValue, 0.1f, 1f / 3, float.NaN, float.PositiveInfinity, float.NegativeInfinity])
            .ToArray();
        var text = await WriteAsync(w =>
        {
            foreach (var v in values)
            {
                w.WriteField(v);
                w.EndRecord();
            }
        });
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(values.Length, lines.Length);
        for (var i = 0; i < values.Length; i++)
        {
            Assert.DoesNotContain(',', lines[i]);
            var parsed = float.Parse(lines[i], NumberStyles.Float, CultureInfo.InvariantCulture);
            Assert.Equal(BitConverter.SingleToInt32Bits(values[i]), BitConverter.SingleToInt32Bits(parsed));
        }
    }

    [Fact]
    public async Task WriteField_Doubles_RoundTrip()
    {
        var text = await WriteAsync(w =>
        {
            w.WriteField(0.1 + 0.2);
            w.WriteField(1e-300);
        });
        var parts = text.TrimEnd().Split(',');
        Assert.Equal(0.1 + 0.2, double.Parse(parts[0], CultureInfo.InvariantCulture));
        Assert.Equal(1e-300, double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task WriterThenReader_RandomFields_RoundTrip()
    {
        var random = new Random(7);
        string[] alphabet = ["a", "b", ",", "\"", "\r", "\n", " ", "é", "😀", "x"];
        var records = Enumerable.Range(0, 300)
            .Select(_ => Enumerable.Range(0, random.Next(1, 6))
                .Select(_ => string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)])))
                .ToArray())
            .Where(r => !(r.Length == 1 && r[0].Length == 0)) // a lone empty field is a blank line, which readers skip
            .ToArray();

        var stream = new MemoryStream();
        await using (var writer = new CsvWriter(stream, leaveOpen: true))
        {
            foreach (var record in records)
            {
                foreach (var field in record)
                {
                    writer.WriteField(field);
                }

                writer.EndRecord();
            }
        }

        stream.Position = 0;
        var read = await CsvReaderTests.ReadAllAsync(CsvTestStreams.Trickle(stream.ToArray(), 3), new CsvReaderOptions { BufferSize = 16 });
        Assert.Equal(records.Length, read.Count);
        for (var i = 0; i < records.Length; i++)
        {
            Assert.Equal(records[i], read[i]);
        }
    }

    private static async Task<string> WriteAsync(Action<CsvWriter> write, string newLine = "\r\n")
    {
        var stream = new MemoryStream();
        await using (var writer = new CsvWriter(stream, newLine, leaveOpen: true))
        {
            write(writer);
            writer.EndRecord();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
