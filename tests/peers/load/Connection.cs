using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

/// <summary>
/// One keep-alive HTTP/1.1 connection carrying requests slot, slot + stride, slot + 2·stride, … of a phase, driven
/// by the load client's one thread (no locks): <see cref="Submit"/> when its next request is due, <see cref="OnReady"/>
/// when epoll reports its socket, <see cref="Tick"/> now and then for timeouts and reconnects.
/// </summary>
/// <remarks>
/// A due request is sent at once if the connection is idle, otherwise it waits here until the previous response is
/// in (no pipelining, like a browser or HttpClient), its latency still running from its scheduled time. A failed
/// request counts as an error; the connection reconnects and sends what is waiting (a blocking connect: fine on
/// loopback, where a refusal or an answer is immediate). A request fails
/// when it is not answered within 30 s of its scheduled time, time spent waiting behind the one in flight included,
/// as HttpClient's timeout would count it. Nothing is allocated per request.
/// </remarks>
internal sealed class Connection
{
    private static readonly long RequestTimeout = Stopwatch.Frequency * 30;
    private static readonly long RetryDelay = Stopwatch.Frequency / 10;

    private readonly int slot;
    private readonly int stride;
    private readonly IPEndPoint endPoint;
    private readonly byte[] request;
    private readonly Epoll epoll;
    private Socket? socket; // null while the server cannot be reached: due requests fail at once
    private ResponseParser parser = new();
    private Phase? phase;
    private int assigned; // requests of the phase handed to this connection ...
    private int finished; // ... and those answered or failed; the one in flight (if any) is number `finished`
    private bool inFlight;
    private int unsent; // bytes of the request in flight that the socket has not taken yet
    private bool writeArmed; // epoll also reports writability: a send is waiting for room
    private long retryAt;

    public Connection(int slot, int stride, IPEndPoint endPoint, byte[] request, Epoll epoll)
    {
        this.slot = slot;
        this.stride = stride;
        this.endPoint = endPoint;
        this.request = request;
        this.epoll = epoll;
        socket = Open(); // a server that is not there at the start is a usage error, not a run of errors
    }

    /// <summary>Starts counting the requests of a new phase (all connections are idle between phases).</summary>
    public void Begin(Phase next)
    {
        phase = next;
        assigned = finished = 0;
    }

    /// <summary>This connection's next request is due now.</summary>
    public void Submit()
    {
        assigned++;
        if (socket is null)
        {
            Finish("cannot reconnect");
        }
        else if (!inFlight)
        {
            Send();
        }
    }

    /// <summary>epoll reported the socket: responses to read, room to finish a send, or an error.</summary>
    public void OnReady(uint events)
    {
        if ((events & Epoll.Writable) != 0 && unsent > 0)
        {
            ContinueSend();
        }

        if ((events & (Epoll.Readable | Epoll.Error | Epoll.HangUp)) != 0 && socket is not null)
        {
            Receive();
        }
    }

    /// <summary>Fails requests not answered within 30 s of their scheduled time and retries a connection the server refused.</summary>
    public void Tick(long now)
    {
        if (inFlight && now - ScheduledAt(finished) > RequestTimeout)
        {
            Close();
            inFlight = false;
            Finish("no response within 30 s");
            while (finished < assigned && now - ScheduledAt(finished) > RequestTimeout)
            {
                Finish("no response within 30 s (waited behind a request that timed out)");
            }

            Reconnect();
        }
        else if (socket is null && now >= retryAt)
        {
            Reconnect();
        }
    }

    private Socket Open()
    {
        // NoDelay: the request goes out in one send and must not wait for an ACK (Nagle) before leaving.
        var fresh = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            fresh.Connect(endPoint);
            fresh.Blocking = false;
            epoll.Add((int)fresh.Handle, slot, Epoll.Readable);
            return fresh;
        }
        catch
        {
            fresh.Dispose();
            throw;
        }
    }

    private void Send()
    {
        inFlight = true;
        unsent = request.Length;
        ContinueSend();
    }

    private void ContinueSend()
    {
        while (unsent > 0)
        {
            var sent = socket!.Send(request.AsSpan(request.Length - unsent), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                if (!writeArmed)
                {
                    epoll.Modify((int)socket.Handle, slot, Epoll.Readable | Epoll.Writable);
                    writeArmed = true;
                }

                return;
            }

            if (error != SocketError.Success)
            {
                Fail(error.ToString());
                return;
            }

            unsent -= sent;
        }

        if (writeArmed)
        {
            epoll.Modify((int)socket!.Handle, slot, Epoll.Readable); // level-triggered: left armed, every wait would return at once
            writeArmed = false;
        }
    }

    private void Receive()
    {
        int received;
        SocketError error;
        try
        {
            received = socket!.Receive(parser.GetFreeSpace(), SocketFlags.None, out error);
        }
        catch (InvalidDataException e)
        {
            Fail(e.Message);
            return;
        }

        if (error == SocketError.WouldBlock)
        {
            return;
        }

        if (error != SocketError.Success)
        {
            Fail(error.ToString()); // a reset cannot end a response, not even one whose body runs until the close
            return;
        }

        if (received == 0)
        {
            Closed();
            return;
        }

        parser.Commit(received);
        try
        {
            while (socket is not null && parser.TryTake(out var status, out var keepAlive))
            {
                Complete(status is >= 200 and < 300 ? null : $"HTTP {status}", keepAlive);
            }
        }
        catch (InvalidDataException e)
        {
            Fail(e.Message);
        }
    }

    // A response is in: the request in flight is over; send the next due one, after reconnecting if the server closes.
    private void Complete(string? error, bool keepAlive)
    {
        if (!inFlight)
        {
            Fail("response without a request");
            return;
        }

        inFlight = false;
        Finish(error);
        if (!keepAlive || unsent > 0)
        {
            // Not reusable: the server closes, or it answered before reading all of the request (the rest of it would
            // arrive as the start of the next one).
            Close();
            Reconnect();
        }
        else if (assigned > finished)
        {
            Send();
        }
    }

    // The server closed the connection: that may end a response delimited by the close, fail the request in flight,
    // or cost nobody anything (an idle keep-alive connection timing out).
    private void Closed()
    {
        var reason = "connection closed by server";
        try
        {
            if (parser.TryTakeAtClose(out var status) && inFlight)
            {
                inFlight = false;
                Finish(status is >= 200 and < 300 ? null : $"HTTP {status}");
            }
        }
        catch (IOException e)
        {
            reason = e.Message;
        }

        Fail(reason);
    }

    // Drops the connection, counts the request in flight (if any) as failed, reconnects.
    private void Fail(string error)
    {
        Close();
        if (inFlight)
        {
            inFlight = false;
            Finish(error);
        }

        Reconnect();
    }

    private void Close()
    {
        if (socket is not null)
        {
            epoll.Remove((int)socket.Handle);
            socket.Dispose();
            socket = null;
        }

        parser = new ResponseParser();
        unsent = 0;
        writeArmed = false;
    }

    private void Reconnect()
    {
        try
        {
            socket = Open();
            if (assigned > finished)
            {
                Send();
            }
        }
        catch (SocketException e)
        {
            while (finished < assigned)
            {
                Finish(e.Message); // as HttpClient's would, the waiting requests fail at once
            }

            retryAt = Stopwatch.GetTimestamp() + RetryDelay;
        }
    }

    // Scheduled time of this connection's n-th request of the phase.
    private long ScheduledAt(int n) => phase!.Scheduled(slot + (n * stride));

    private void Finish(string? error) => phase!.Finish(slot + (finished++ * stride), error);
}
