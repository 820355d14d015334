using Microsoft.Extensions.Configuration;
using Shipyard.Server.Monitoring;
using Shipyard.Monitoring;
using Shipyard.Http.Apis;
using Xunit;

namespace Shipyard.Server.Tests.Monitoring;

public sealed class DriftCheckOptionsTests
{
    private static DriftCheckOptions From(params (string Key, string? Value)[] settings) =>
        DriftCheckOptions.FromConfiguration(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void FromConfiguration_Empty_Defaults()
    {
        var options = From();

        Assert.Equal("0 0 * * * *", options.Schedule.Expression);
        Assert.Equal(TimeSpan.FromHours(24), options.Window);
        Assert.False(options.RetrainOnAnyFeatureDrift);
        Assert.Equal(50, options.MinimumRows);
        Assert.Null(options.WebhookUrl);
        Assert.True(options.SchedulerEnabled);
    }

    [Theory]
    [InlineData("24h", 24 * 60)]
    [InlineData("90m", 90)]
    [InlineData("7d", 7 * 24 * 60)]
    [InlineData("120s", 2)]
    [InlineData("1.00:00:00", 24 * 60)]
    [InlineData("01:30:00", 90)]
    [InlineData(" 2H ", 120)]
    public void TryParseWindow_Forms(string text, int minutes)
    {
        Assert.True(DriftCheckOptions.TryParseWindow(text, out var window));
        Assert.Equal(TimeSpan.FromMinutes(minutes), window);
    }

    [Theory]
    [InlineData("0h")]
    [InlineData("-1h")]
    [InlineData("24")]
    [InlineData("h")]
    [InlineData("3w")]
    [InlineData("1.5h")]
    [InlineData("-01:00:00")]
    [InlineData("tomorrow")]
    public void TryParseWindow_Invalid_False(string text) => Assert.False(DriftCheckOptions.TryParseWindow(text, out _));

    [Fact]
    public void FromConfiguration_Settings_AreRead()
    {
        var options = From(("DRIFT_SCHEDULE", "0 */5 * * * *"), ("DRIFT_WINDOW", "90m"), ("DRIFT_RETRAIN_ON", "any-feature"), ("DRIFT_MIN_ROWS", "10"), ("DRIFT_WEBHOOK_URL", "https://hooks.example/retrain?sig=secret"), ("Shipyard:Drift:Scheduler:Enabled", "false"));

        Assert.Equal("0 */5 * * * *", options.Schedule.Expression);
        Assert.Equal(TimeSpan.FromMinutes(90), options.Window);
        Assert.True(options.RetrainOnAnyFeatureDrift);
        Assert.Equal(10, options.MinimumRows);
        Assert.Equal(new Uri("https://hooks.example/retrain?sig=secret"), options.WebhookUrl);
        Assert.False(options.SchedulerEnabled);
    }

    [Theory]
    [InlineData("DRIFT_SCHEDULE", "0 0 * * *", "DRIFT_SCHEDULE: NCRONTAB '0 0 * * *' has 5 field(s); expected 6: {second} {minute} {hour} {day} {month} {day-of-week}, e.g. \"0 0 * * * *\" (hourly).")]
    [InlineData("DRIFT_WINDOW", "soon", "DRIFT_WINDOW is 'soon'; expected a positive duration such as 24h, 90m, 7d, 30s or a TimeSpan such as 1.00:00:00.")]
    [InlineData("DRIFT_RETRAIN_ON", "always", "DRIFT_RETRAIN_ON is 'always'; expected 'dataset' or 'any-feature'.")]
    [InlineData("DRIFT_MIN_ROWS", "0", "DRIFT_MIN_ROWS is '0'; expected a whole number of at least 1.")]
    [InlineData("DRIFT_WEBHOOK_URL", "ftp://x/y?key=secret", "DRIFT_WEBHOOK_URL is not an absolute http or https URL.")]
    public void FromConfiguration_Invalid_ThrowsNamingTheSetting(string key, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => From((key, value)));
        Assert.Equal(message, error.Message);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }
}
