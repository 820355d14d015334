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

    private static readonly int[] MaxReads = [1, 2, 3, 7, int.MaxValue];

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task ReadAndReadAsync_Corpus_ProduceExpectedRecords(string name, string text, string[][] expected)
    {
        bool[] both = [false, true];
        foreach (var (maxRead, bom, sync) in from m in MaxReads from b in both from s in both select (m, b, s))
        {
            var records = await ReadAllAsync(CsvTestStreams.Trickle(CsvTestStreams.Utf8(text, bom), maxRead), new CsvReaderOptions { BufferSize = 16 }, sync);
            Assert.True(expected.Length == records.Count, $"{name} (maxRead {maxRead}, bom {bom}, sync {sync}): {records.Count} records");
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], records[i]);
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

    [Fact]
    public async Task ReadAsync_MultiByteCharactersAcrossBufferBoundaries_DecodeIntact()
    {
        // 2-, 3- and 4-byte sequences at every offset relative to 16-byte buffers and 1..7-byte reads.
        var field = string.Concat(Enumerable.Repeat("é日😀x", 9));
        var text = $"h1,h2\n{field},{field}\n\"{field}\",{field}é\n";
        foreach (var maxRead in new[] { 1, 2, 3, 5, 7, 16, int.MaxValue })
        {
            var records = await ReadAllAsync(CsvTestStreams.Trickle(CsvTestStreams.Utf8(text), maxRead), new CsvReaderOptions { BufferSize = 16 });
            Assert.Equal([["h1", "h2"], [field, field], [field, field + "é"]], records);
        }
    }

    [Fact]
    public async Task ReadAsync_QuotedFieldSpanningManyBuffers_KeepsQuotesCommasAndLineBreaks()
    {
        var value = string.Concat(Enumerable.Range(0, 50).Select(i => $"part {i}, \"quoted\"\r\nnext é\n"));
        var escaped = value.Replace("\"", "\"\"", StringComparison.Ordinal);
        var text = $"a,b,c\r\n1,\"{escaped}\",3\r\n4,5,6";
        foreach (var maxRead in new[] { 1, 3, 7, 64, int.MaxValue })
        {
            await using var reader = new CsvReader(CsvTestStreams.Trickle(CsvTestStreams.Utf8(text), maxRead), new CsvReaderOptions { BufferSize = 16 });
            Assert.True(await reader.ReadAsync());
            Assert.True(await reader.ReadAsync());
            Assert.Equal(["1", value, "3"], Fields(reader));
            Assert.Equal($"1,\"{escaped}\",3", reader.RawRecord.ToString());
            Assert.Equal(2, reader.LineNumber);
            Assert.True(await reader.ReadAsync());
            Assert.Equal(["4", "5", "6"], Fields(reader));
            Assert.Equal(3 + 100, reader.LineNumber); // the quoted field holds 100 line feeds
            Assert.False(await reader.ReadAsync());
        }
    }

    [Fact]
    public async Task GetFieldUtf8_AndRawRecordUtf8_AreTheInputBytes()
    {
        var input = CsvTestStreams.Utf8("naïve,\"a\"\"b\",😀\r\n", bom: true);
        await using var reader = new CsvReader(new MemoryStream(input));
        Assert.True(await reader.ReadAsync());
        Assert.Equal(input[3..^2], reader.RawRecordUtf8.ToArray());
        Assert.Equal(CsvTestStreams.Utf8("naïve"), reader.GetFieldUtf8(0).ToArray());
        Assert.Equal(CsvTestStreams.Utf8("a\"b"), reader.GetFieldUtf8(1).ToArray());
        Assert.Equal(CsvTestStreams.Utf8("😀"), reader.GetFieldUtf8(2).ToArray());
    }

    [Fact]
    public async Task GetField_EarlierSpansStayValidWhileLaterFieldsAreDecoded()
    {
        var wide = new string('é', 3000);
        await using var reader = new CsvReader(new MemoryStream(CsvTestStreams.Utf8($"a,{wide},\"{wide}\"\"\"\n")));
        Assert.True(await reader.ReadAsync());
        var first = reader.GetField(0);
        var second = reader.GetField(1);
        var third = reader.GetField(2);
        var raw = reader.RawRecord;
        Assert.Equal("a", first.ToString());
        Assert.Equal(wide, second.ToString());
        Assert.Equal(wide + "\"", third.ToString());
        Assert.Equal($"a,{wide},\"{wide}\"\"\"", raw.ToString());
        Assert.Equal(wide, reader.GetField(1).ToString());
    }

    [Fact]
    public async Task ReadAsync_InvalidUtf8_NamesTheByteOffsetAndLine()
    {
        byte[] bytes = [.. CsvTestStreams.Utf8("a,b\n1,é"), 0xE6, 0x97, (byte)',', (byte)'2', (byte)'\n'];
        foreach (var maxRead in new[] { 1, 2, int.MaxValue })
        {
            var e = await Assert.ThrowsAsync<CsvFormatException>(
                () => ReadAllAsync(CsvTestStreams.Trickle(bytes, maxRead), new CsvReaderOptions { BufferSize = 16 }));
            Assert.Equal("the input is not valid UTF-8 (invalid byte sequence at byte 8, line 2); CSV input must be UTF-8 text", e.Message);
            Assert.Equal(2, e.LineNumber);
        }
    }

    [Fact]
    public async Task ReadAsync_TruncatedSequenceAtEndOfInput_Throws()
    {
        byte[] bytes = [.. CsvTestStreams.Utf8("a\nb"), 0xF0, 0x9F, 0x98];
        var e = await Assert.ThrowsAsync<CsvFormatException>(() => ReadAllAsync(new MemoryStream(bytes)));
        Assert.Equal("the input is not valid UTF-8 (invalid byte sequence at byte 3, line 2); CSV input must be UTF-8 text", e.Message);
    }

    [Fact]
    public async Task ReadAsync_TextAfterClosingQuote_NamesANonAsciiCharacter()
    {
        await using var reader = new CsvReader(new MemoryStream(CsvTestStreams.Utf8("\"x\"é,2\nok\n")));
        Assert.True(await reader.ReadAsync());
        Assert.Equal("unexpected character 'é' after the closing quote of field 1", reader.RecordError);
        Assert.True(await reader.ReadAsync());
        Assert.Equal("ok", reader.GetField(0).ToString());
    }

    [Fact]
    public async Task MaxRecordLength_CountsCharsNotBytes()
    {
        var options = new CsvReaderOptions { BufferSize = 16, MaxRecordLength = 10 };
        var underLimit = await ReadAllAsync(new MemoryStream(CsvTestStreams.Utf8("日日日日日日日日日日\n")), options); // 30 bytes, 10 chars
        Assert.Equal("日日日日日日日日日日", underLimit[0][0]);

        var e = await Assert.ThrowsAsync<CsvFormatException>(
            () => ReadAllAsync(new MemoryStream(CsvTestStreams.Utf8("ok\n日日日日日日日日日日日\n")), options));
        Assert.Equal("record 2 starting at line 2 is longer than the limit of 10 characters; the input is not a CSV file with reasonable rows (or raise MaxRecordLength)", e.Message);
    }

    [Fact]
    public async Task ReadAsync_NulInsideQuotes_ThrowsAsBinary()
    {
        var e = await Assert.ThrowsAsync<CsvFormatException>(() => ReadAllAsync(new MemoryStream([.. CsvTestStreams.Utf8("a\n\"x"), 0, (byte)'"'])));
        Assert.Equal("the input contains a NUL character at line 2 (record 2); it looks like binary data, not CSV text", e.Message);
    }

    private static string[] Fields(CsvReader reader) =>
        [.. Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetField(i).ToString())];

    /// <summary>Every record's fields, read with <see cref="CsvReader.ReadAsync"/> or, when <paramref name="sync"/>, <see cref="CsvReader.Read"/>.</summary>
    internal static async Task<List<string[]>> ReadAllAsync(Stream stream, CsvReaderOptions? options = null, bool sync = false)
    {
        await using var reader = new CsvReader(stream, options);
        var records = new List<string[]>();
        while (sync ? reader.Read() : await reader.ReadAsync())
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
