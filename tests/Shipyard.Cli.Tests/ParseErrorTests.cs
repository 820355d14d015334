using Shipyard.Cli.Tests.Drift;
using Xunit;

namespace Shipyard.Cli.Tests;

/// <summary>A command line that does not parse is reported without echoing values that may be secrets.</summary>
public class ParseErrorTests
{
    private const string Secret = "c2VjcmV0LWFjY291bnQta2V5";
    private const string ConnectionString = $"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={Secret};EndpointSuffix=core.windows.net";

    [Fact]
    public async Task MisspelledOptionWithEquals_ShowsOnlyTheName()
    {
        var result = await CliRunner.InProcessAsync("models", "list", $"--conection-string={ConnectionString}");

        AssertRefusedWithoutSecret(result, "'--conection-string…'");
    }

    [Theory]
    [InlineData("--conection-string:", "'--conection-string…'")]
    [InlineData("--key=", "'--key…'")]
    [InlineData("-k", "#3 (its value is not shown")]
    [InlineData("", "#3 (its value is not shown")]
    public async Task TokenWithASecret_ShowsOnlyAnOptionName(string prefix, string shown)
    {
        var result = await CliRunner.InProcessAsync("models", "list", prefix + Secret);

        AssertRefusedWithoutSecret(result, shown);
    }

    [Fact]
    public async Task ResponseFileToken_NotShown()
    {
        var file = Path.Combine(Path.GetTempPath(), $"shipyard-rsp-{Guid.NewGuid():N}.rsp");
        await File.WriteAllTextAsync(file, $"--conection-string\n{ConnectionString}\n");
        try
        {
            var result = await CliRunner.InProcessAsync("models", "list", "@" + file);

            AssertRefusedWithoutSecret(result, "a token from a response file");
            Assert.Contains("'--conection-string'", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The real executable (Program.cs goes through the same redaction as the in-process runs).</summary>
    [Fact]
    public async Task MisspelledConnectionStringOption_NamesTheOptionWithoutItsValue()
    {
        var result = await CliRunner.ProcessAsync("models", "list", "--conection-string", ConnectionString);

        AssertRefusedWithoutSecret(result, "'--conection-string'");
        Assert.Contains("#4 (its value is not shown", result.Error, StringComparison.Ordinal);
        Assert.Contains("Run 'shipyard models list --help' for usage.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MisspelledCommand_ShownAsTyped()
    {
        var result = await CliRunner.InProcessAsync("drift", "chek");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("'chek'", result.Error, StringComparison.Ordinal);
        Assert.Contains("Run 'shipyard drift --help' for usage.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingSubcommand_StillReported()
    {
        var result = await CliRunner.InProcessAsync("models");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Required command was not provided.", result.Error, StringComparison.Ordinal);
    }

    private static void AssertRefusedWithoutSecret(CliRunner.Result result, string shown)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(shown, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Error + result.Output, StringComparison.Ordinal);
    }
}
