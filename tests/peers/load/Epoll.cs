using System.Runtime.InteropServices;

/// <summary>
/// The Linux readiness API the load client's single thread waits on: sockets registered with a token (the
/// connection's slot), and a wait with a nanosecond timeout (epoll_pwait2, Linux 5.11+), so the thread sleeps exactly
/// until the next scheduled send or the next response, whichever comes first. Needs glibc 2.35+ for epoll_pwait2
/// (Debian 12 has 2.36).
/// </summary>
internal sealed partial class Epoll : IDisposable
{
    public const uint Readable = 0x001; // EPOLLIN
    public const uint Writable = 0x004; // EPOLLOUT
    public const uint Error = 0x008; // EPOLLERR
    public const uint HangUp = 0x010; // EPOLLHUP

    private const int CtlAdd = 1;
    private const int CtlDel = 2;
    private const int CtlMod = 3;
    private const int CloseOnExec = 0x80000;
    private const int Interrupted = 4; // EINTR
    private const int PrSetTimerSlack = 29;

    // struct epoll_event is { uint32 events; uint64 data; }, packed to 12 bytes on x86-64 only.
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private int fd;
    private readonly byte[] events;

    public Epoll(int capacity)
    {
        fd = Create(CloseOnExec);
        if (fd < 0)
        {
            throw new InvalidOperationException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        }

        events = GC.AllocateArray<byte>(capacity * EventSize, pinned: true);
    }

    /// <summary>
    /// Cuts the calling thread's timer slack from the default 50 µs to 1 ns, so its timed waits end when asked
    /// instead of up to 50 µs late (that lateness would land in every latency measured from the schedule).
    /// </summary>
    public static void TightenTimerSlack() => _ = Prctl(PrSetTimerSlack, 1, 0, 0, 0);

    public void Add(int socket, int token, uint interest) => Control(CtlAdd, socket, token, interest);

    public void Modify(int socket, int token, uint interest) => Control(CtlMod, socket, token, interest);

    public void Remove(int socket) => Control(CtlDel, socket, 0, 0);

    /// <summary>
    /// Waits up to <paramref name="timeoutNanoseconds"/> for readiness and returns how many entries of the ready list
    /// are filled (0 on timeout or a signal); read them with <see cref="Ready"/>.
    /// </summary>
    public unsafe int Wait(long timeoutNanoseconds)
    {
        var timeout = new TimeSpec { Seconds = timeoutNanoseconds / 1_000_000_000, Nanoseconds = timeoutNanoseconds % 1_000_000_000 };
        fixed (byte* buffer = events)
        {
            var count = Wait(fd, buffer, events.Length / EventSize, &timeout, IntPtr.Zero);
            if (count >= 0)
            {
                return count;
            }
        }

        var errno = Marshal.GetLastPInvokeError();
        return errno == Interrupted ? 0 : throw new InvalidOperationException($"epoll_pwait2 failed: errno {errno}");
    }

    /// <summary>Entry <paramref name="index"/> of the last <see cref="Wait"/>: the token given at registration and the ready events.</summary>
    public (int Token, uint Events) Ready(int index)
    {
        var entry = events.AsSpan(index * EventSize, EventSize);
        return ((int)BitConverter.ToUInt64(entry[DataOffset..]), BitConverter.ToUInt32(entry));
    }

    public void Dispose()
    {
        if (fd >= 0)
        {
            _ = Close(fd);
            fd = -1;
        }
    }

    private unsafe void Control(int operation, int socket, int token, uint interest)
    {
        var entry = stackalloc byte[16];
        new Span<byte>(entry, 16).Clear();
        *(uint*)entry = interest;
        *(ulong*)(entry + DataOffset) = (ulong)token;
        if (Control(fd, operation, socket, entry) != 0)
        {
            throw new InvalidOperationException($"epoll_ctl({operation}) on fd {socket} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int Create(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static unsafe partial int Control(int epoll, int operation, int socket, byte* entry);

    [LibraryImport("libc", EntryPoint = "epoll_pwait2", SetLastError = true)]
    private static unsafe partial int Wait(int epoll, byte* events, int capacity, TimeSpec* timeout, IntPtr signalMask);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

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
