using Shipyard.Server.Monitoring;
using Shipyard.Monitoring;
using Shipyard.Http.Apis;
using Xunit;

namespace Shipyard.Server.Tests.Monitoring;

public sealed class TimerScheduleTests
{
    private static readonly DateTimeOffset s_start = new(2026, 11, 22, 10, 17, 42, 500, TimeSpan.Zero); // a Sunday

    private static DateTimeOffset At(int month, int day, int hour, int minute, int second, int year = 2026) => new(year, month, day, hour, minute, second, TimeSpan.Zero);

    private static List<DateTimeOffset> Next(string expression, DateTimeOffset after, int count)
    {
        var schedule = TimerSchedule.Parse(expression);
        var result = new List<DateTimeOffset>();
        for (var i = 0; i < count; i++)
        {
            after = schedule.GetNextOccurrence(after);
            result.Add(after);
        }

        return result;
    }

    [Fact]
    public void Next_EveryMinute_IsSecondZeroOfEachMinute()
    {
        Assert.Equal([At(11, 22, 10, 18, 0), At(11, 22, 10, 19, 0), At(11, 22, 10, 20, 0)], Next("0 * * * * *", s_start, 3));
    }

    [Fact]
    public void Next_Hourly_IsOnTheHourAndStrictlyAfter()
    {
        Assert.Equal([At(11, 22, 11, 0, 0), At(11, 22, 12, 0, 0)], Next("0 0 * * * *", s_start, 2));
        Assert.Equal(At(11, 22, 12, 0, 0), TimerSchedule.Parse("0 0 * * * *").GetNextOccurrence(At(11, 22, 11, 0, 0)));
    }

    [Fact]
    public void Next_EveryFiveMinutes_StepFromZero()
    {
        Assert.Equal([At(11, 22, 10, 20, 0), At(11, 22, 10, 25, 0), At(11, 22, 10, 30, 0)], Next("0 */5 * * * *", s_start, 3));
    }

    [Fact]
    public void Next_EverySecond_IsTheNextWholeSecond()
    {
        Assert.Equal([At(11, 22, 10, 17, 43), At(11, 22, 10, 17, 44)], Next("* * * * * *", s_start, 2));
    }

    [Fact]
    public void Next_RangesListsAndSteps_Combine()
    {
        // 9:30 and 9:45 on weekdays (Mon-Fri): from Sunday 10:17 the next are Monday 9:30, 9:45, Tuesday 9:30.
        Assert.Equal([At(11, 23, 9, 30, 0), At(11, 23, 9, 45, 0), At(11, 24, 9, 30, 0)], Next("0 30,45 9 * * 1-5", s_start, 3));

        // Range with a step: minutes 10, 25, 40 of hours 8 to 16 every 4 hours (8, 12, 16).
        Assert.Equal([At(11, 22, 12, 10, 0), At(11, 22, 12, 25, 0), At(11, 22, 12, 40, 0), At(11, 22, 16, 10, 0)], Next("0 10-40/15 8-16/4 * * *", s_start, 4));

        // a/n: from 50 to the end of the field every 5 seconds.
        Assert.Equal([At(11, 22, 10, 17, 50), At(11, 22, 10, 17, 55), At(11, 22, 10, 18, 50)], Next("50/5 * * * * *", s_start, 3));
    }

    [Fact]
    public void Next_Names_AreAccepted()
    {
        Assert.Equal(At(1, 1, 0, 0, 0, 2027), TimerSchedule.Parse("0 0 0 1 Jan *").GetNextOccurrence(s_start));
        Assert.Equal(At(11, 29, 0, 0, 0), TimerSchedule.Parse("0 0 0 * * SUN").GetNextOccurrence(s_start));
    }

    /// <summary>What NCrontab (the Functions host's parser) accepts, the scheduler accepts, and reads the same way:
    /// a step of 0 and a backwards range select every minute there, as they do under the host.</summary>
    [Theory]
    [InlineData("0 */0 * * * *")]
    [InlineData("0 30-10 * * * *")]
    public void Next_OddFieldsTheHostAccepts_FireWhereTheHostWould(string expression)
    {
        Assert.Equal(At(11, 22, 10, 18, 0), TimerSchedule.Parse(expression).GetNextOccurrence(s_start));
    }

    [Fact]
    public void Next_DayAndDayOfWeek_BothMustMatch()
    {
        // Friday the 13th after 22 Nov 2026: August 2027.
        Assert.Equal(At(8, 13, 0, 0, 0, 2027), TimerSchedule.Parse("0 0 0 13 * Fri").GetNextOccurrence(s_start));
    }

    [Fact]
    public void Next_LeapDay_FoundYearsAhead()
    {
        Assert.Equal(At(2, 29, 12, 0, 0, 2028), TimerSchedule.Parse("0 0 12 29 2 *").GetNextOccurrence(s_start));
    }

    [Fact]
    public void Next_NonUtcInput_IsComparedInUtc()
    {
        var plusTwo = new DateTimeOffset(2026, 11, 22, 12, 17, 42, TimeSpan.FromHours(2)); // 10:17:42 UTC
        Assert.Equal(At(11, 22, 11, 0, 0), TimerSchedule.Parse("0 0 * * * *").GetNextOccurrence(plusTwo));
    }

    [Theory]
    [InlineData("0 * * * *", "NCRONTAB '0 * * * *' has 5 field(s); expected 6: {second} {minute} {hour} {day} {month} {day-of-week}, e.g. \"0 0 * * * *\" (hourly).")]
    [InlineData("", "NCRONTAB '' has 0 field(s); expected 6: {second} {minute} {hour} {day} {month} {day-of-week}, e.g. \"0 0 * * * *\" (hourly).")]
    [InlineData("60 * * * * *", "NCRONTAB '60 * * * * *': 60 is higher than the maximum allowable value for the [Second] field. Value must be between 0 and 59 (all inclusive).")]
    [InlineData("0 0 24 * * *", "NCRONTAB '0 0 24 * * *': 24 is higher than the maximum allowable value for the [Hour] field. Value must be between 0 and 23 (all inclusive).")]
    [InlineData("0 0 0 0 * *", "NCRONTAB '0 0 0 0 * *': 0 is lower than the minimum allowable value for the [Day] field. Value must be between 1 and 31 (all inclusive).")]
    [InlineData("0 0 0 * 13 *", "NCRONTAB '0 0 0 * 13 *': 13 is higher than the maximum allowable value for the [Month] field. Value must be between 1 and 12 (all inclusive).")]
    [InlineData("0 0 0 * * 7", "NCRONTAB '0 0 0 * * 7': 7 is higher than the maximum allowable value for the [DayOfWeek] field. Value must be between 0 and 6 (all inclusive).")]
    [InlineData("0 0 0 * * Funday", "NCRONTAB '0 0 0 * * Funday': 'Funday' is not a valid [DayOfWeek] crontab field expression.")]
    [InlineData("0 1,,2 * * * *", "NCRONTAB '0 1,,2 * * * *': A crontab field value cannot be empty.")]
    [InlineData("x * * * * *", "NCRONTAB 'x * * * * *': 'x' is not a valid [Second] crontab field expression.")]
    [InlineData("0 0 0 31 2 *", "NCRONTAB '0 0 0 31 2 *' never occurs: no selected month has the selected day.")]
    public void Parse_Invalid_ThrowsNamingTheField(string expression, string message)
    {
        var error = Assert.Throws<FormatException>(() => TimerSchedule.Parse(expression));
        Assert.Equal(message, error.Message);
        Assert.False(TimerSchedule.TryParse(expression, out _, out var reason));
        Assert.Equal(message, reason);
    }
}
