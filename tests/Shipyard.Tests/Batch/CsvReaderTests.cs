using Shipyard.Batch;
using Xunit;

namespace Shipyard.Tests.Batch;

public sealed class CsvReaderTests
{
    /// <summary>The RFC 4180 edge-case corpus: input text and the records a correct reader must produce.</summary>
    public static TheoryData<string, string, string[][]> Corpus => new()
    {
        { "lf", "a,b\n1,2\n", [["a", "b"], ["1", "2"]] },
        { "crlf", "a,b\r\n1,2\r\n", [["a", "b"], ["1", "2"]] },
        { "cr only", "a,b\r1,2\r", [["a", "b"], ["1", "2"]] },
        { "no final newline", "a,b\n1,2", [["a", "b"], ["1", "2"]] },
        { "quoted comma", "a,b\n\"x,y\",2\n", [["a", "b"], ["x,y", "2"]] },
        { "doubled quotes", "a\n\"he said \"\"hi\"\"\"\n", [["a"], ["he said \"hi\""]] },
        { "only a doubled quote", "\"\"\"\"\n", [["\""]] },
        { "embedded lf", "a,b\n\"line1\nline2\",x\n", [["a", "b"], ["line1\nline2", "x"]] },
        { "embedded crlf", "a,b\r\n\"line1\r\nline2\",x\r\n", [["a", "b"], ["line1\r\nline2", "x"]] },
        { "empty fields", ",,\n", [["", "", ""]] },
        { "empty quoted", "\"\",x\n", [["", "x"]] },
        { "trailing comma", "a,\n", [["a", ""]] },
        { "trailing comma at eof", "a,", [["a", ""]] },
        { "blank lines skipped", "a\n\n\r\nb\n\n", [["a"], ["b"]] },
        { "bare quote kept", "ab\"c,d\n", [["ab\"c", "d"]] },
        { "quoted at eof", "\"abc\"", [["abc"]] },
        { "quoted with doubled quote at eof", "\"a\"\"\"", [["a\""]] },
        { "spaces kept", " a , b \n", [[" a ", " b "]] },
        { "unicode", "naïve,日本,😀\n\"é,😀\",x\n", [["naïve", "日本", "😀"], ["é,😀", "x"]] },
        { "quoted numbers", "\"1.5\",\"-2e3\"\n", [["1.5", "-2e3"]] },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task ReadAsync_Corpus_ProducesExpectedRecords(string name, string text, string[][] expected)
    {
        foreach (var maxRead in new[] { 1, 2, 3, 7, int.MaxValue })
        {
            foreach (var bom in new[] { false, true })
            {
                var records = await ReadAllAsync(CsvTestStreams.Trickle(CsvTestStreams.Utf8(text, bom), maxRead), new CsvReaderOptions { BufferSize = 16 });
                Assert.True(expected.Length == records.Count, $"{name} (maxRead {maxRead}, bom {bom}): {records.Count} records");
                for (var i = 0; i < expected.Length; i++)
                {
                    Assert.Equal(expected[i], records[i]);
                }
            }
        }
    }

    [Fact]
    public async Task ReadAsync_Bom_IsNotPartOfFirstField()
    {
        var records = await ReadAllAsync(new MemoryStream(CsvTestStreams.Utf8("id,x\n1,2\n", bom: true)));
        Assert.Equal("id", records[0][0]);
    }

    [Fact]
    public async Task RawRecord_IsInputTextWithoutTerminator()
    {
        const string second = "\"q,\"\"x\"\"\",\"two\nlines\", 3";
        await using var reader = new CsvReader(CsvTestStreams.Trickle(CsvTestStreams.Utf8("h1,h2,h3\r\n" + second + "\r\nlast,,\n"), 5), new CsvReaderOptions { BufferSize = 16 });
        Assert.True(await reader.ReadAsync());
        Assert.Equal("h1,h2,h3", reader.RawRecord.ToString());
        Assert.True(await reader.ReadAsync());
        Assert.Equal(second, reader.RawRecord.ToString());
        Assert.Equal("q,\"x\"", reader.GetField(0).ToString());
        Assert.True(await reader.ReadAsync());
        Assert.Equal("last,,", reader.RawRecord.ToString());
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task RecordAndLineNumbers_CountRecordsAndPhysicalLines()
    {
        await using var reader = new CsvReader(new MemoryStream(CsvTestStreams.Utf8("h\n\"a\nb\"\n\nc\n")));
        var seen = new List<(long Record, long Line)>();
        while (await reader.ReadAsync())
        {
            seen.Add((reader.RecordNumber, reader.LineNumber));
        }

        Assert.Equal([(1L, 1L), (2L, 2L), (3L, 5L)], seen);
    }

    [Fact]
    public async Task ReadAsync_TextAfterClosingQuote_ReportsRecordErrorAndContinues()
    {
        await using var reader = new CsvReader(new MemoryStream(CsvTestStreams.Utf8("a,b\n\"x\"y,2\n3,4\n")));
        Assert.True(await reader.ReadAsync());
        Assert.Null(reader.RecordError);
        Assert.True(await reader.ReadAsync());
        Assert.Equal("unexpected character 'y' after the closing quote of field 1", reader.RecordError);
        Assert.Equal(2, reader.RecordNumber);
        Assert.True(await reader.ReadAsync());
        Assert.Null(reader.RecordError);
        Assert.Equal("3", reader.GetField(0).ToString());
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task ReadAsync_UnterminatedQuote_Throws()
    {
        var e = await Assert.ThrowsAsync<CsvFormatException>(() => ReadAllAsync(new MemoryStream(CsvTestStreams.Utf8("a,b\n1,\"open\n2,3\n"))));
        Assert.Equal("record 2 starting at line 2 has a quoted field that is never closed before the end of the input", e.Message);
        Assert.Equal(2, e.LineNumber);
    }

    [Fact]
    public async Task ReadAsync_InvalidUtf8_Throws()
    {
        byte[] bytes = [.. CsvTestStreams.Utf8("a,b\n1,"), 0xC3, 0x28, (byte)'\n'];
        var e = await Assert.ThrowsAsync<CsvFormatException>(() => ReadAllAsync(new MemoryStream(bytes)));
        Assert.StartsWith("the input is not valid UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_NulCharacter_ThrowsAsBinary()
    {
        var e = await Assert.ThrowsAsync<CsvFormatException>(() => ReadAllAsync(new MemoryStream(new byte[1000])));
        Assert.Equal("the input contains a NUL character at line 1 (record 1); it looks like binary data, not CSV text", e.Message);
    }

    [Fact]
    public async Task ReadAsync_GigabyteSingleLine_FailsAfterTheLimitWithoutReadingEverything()
    {
        const long gigabyte = 1L << 30;
        await using var reader = new CsvReader(CsvTestStreams.Repeat((byte)'x', gigabyte));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = await Assert.ThrowsAsync<CsvFormatException>(async () => await reader.ReadAsync());
        Assert.Equal(
            "record 1 starting at line 1 is longer than the limit of 1048576 characters; the input is not a CSV file with reasonable rows (or raise MaxRecordLength)",
            e.Message);
        Assert.InRange(reader.BytesRead, CsvReaderOptions.Default.MaxRecordLength, 4L * CsvReaderOptions.Default.MaxRecordLength);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 64L << 20);
    }

    [Fact]
    public async Task ReadAsync_LongQuotedRecordUnderLimit_IsRead()
    {
        var value = new string('q', 200_000);
        var records = await ReadAllAsync(new MemoryStream(CsvTestStreams.Utf8($"\"{value}\",1\n")));
        Assert.Equal(value, records[0][0]);
    }

    [Fact]
    public async Task ReadAsync_TooManyFields_Throws()
    {
        var e = await Assert.ThrowsAsync<CsvFormatException>(
            () => ReadAllAsync(new MemoryStream(CsvTestStreams.Utf8(new string(',', 10) + "\n")), new CsvReaderOptions { MaxFieldCount = 5 }));
        Assert.Equal("record 1 starting at line 1 has more than 5 fields (or raise MaxFieldCount)", e.Message);
    }

    [Fact]
    public async Task ReadAsync_EmptyInput_HasNoRecords()
    {
        Assert.Empty(await ReadAllAsync(new MemoryStream()));
        Assert.Empty(await ReadAllAsync(new MemoryStream(CsvTestStreams.Utf8("", bom: true))));
    }

    [Fact]
    public async Task GetField_OutOfRange_Throws()
    {
        await using var reader = new CsvReader(new MemoryStream(CsvTestStreams.Utf8("a\n")));
        Assert.True(await reader.ReadAsync());
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.GetField(1));
    }

    internal static async Task<List<string[]>> ReadAllAsync(Stream stream, CsvReaderOptions? options = null)
    {
        await using var reader = new CsvReader(stream, options);
        var records = new List<string[]>();
        while (await reader.ReadAsync())
        {
            Assert.Null(reader.RecordError);
            var fields = new string[reader.FieldCount];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = reader.GetField(i).ToString();
            }

            records.Add(fields);
        }

        return records;
    }
}
