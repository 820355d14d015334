using System.Diagnostics;
using System.Runtime.InteropServices;

/// <summary>
/// Sleeps until a Stopwatch timestamp with sub-millisecond precision and without spinning.
/// </summary>
/// <remarks>
/// Thread.Sleep and Task.Delay work in whole milliseconds (1–2 ms steps that end up in the latencies), and spinning
/// would take a core from the server under test. nanosleep with the thread's timer slack cut from the default 50 µs
/// to 1 ns wakes within a few tens of µs on Linux; elsewhere this falls back to Thread.Sleep.
/// </remarks>
internal static partial class PreciseSleep
{
    private const int PrSetTimerSlack = 29;
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    /// <summary>Cuts the calling thread's timer slack (Linux), so its sleeps end when asked.</summary>
    public static void PrepareThread()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = Prctl(PrSetTimerSlack, 1, 0, 0, 0);
        }
    }

    /// <summary>Returns at <paramref name="timestamp"/> (Stopwatch ticks) or a little after; at once if it has passed.</summary>
    public static void Until(long timestamp)
    {
        long wait;
        while ((wait = timestamp - Stopwatch.GetTimestamp()) > 0)
        {
            var nanoseconds = (long)(wait * NanosecondsPerTick);
            if (OperatingSystem.IsLinux())
            {
                var request = new TimeSpec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
                _ = NanoSleep(in request, IntPtr.Zero); // EINTR: the loop sleeps the rest
            }
            else
            {
                Thread.Sleep(TimeSpan.FromTicks(Math.Max(1, nanoseconds / 100)));
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(in TimeSpec request, IntPtr remaining);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);

    // struct timespec on 64-bit Linux: two longs.
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
