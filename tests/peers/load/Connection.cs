using System.Net;
using System.Net.Sockets;

/// <summary>
/// One keep-alive HTTP/1.1 connection carrying requests slot, slot + stride, slot + 2·stride, … of a phase.
/// </summary>
/// <remarks>
/// The scheduler thread calls <see cref="Submit"/> when a request is due: it is sent at once if the connection is
/// idle, otherwise it waits here until the previous response is in (no pipelining, like a browser or HttpClient),
/// its latency still running from its scheduled time. A dedicated thread blocks in recv and, when a response is
/// complete, sends the next waiting request itself: no thread-pool hops, no allocation per request.
/// </remarks>
internal sealed class Connection
{
    private readonly Lock gate = new();
    private readonly int slot;
    private readonly int stride;
    private readonly IPEndPoint endPoint;
    private readonly byte[] request;
    private Socket? socket; // null while reconnecting: due requests wait
    private bool broken; // the last reconnect failed: due requests fail at once, as HttpClient's would
    private Phase? phase;
    private int assigned; // requests of the phase handed to this connection ...
    private int finished; // ... and those answered or failed; the one in flight (if any) is number `finished`
    private bool inFlight;

    public Connection(int slot, int stride, IPEndPoint endPoint, byte[] request)
    {
        this.slot = slot;
        this.stride = stride;
        this.endPoint = endPoint;
        this.request = request;
        var first = Open(endPoint); // a server that is not there at the start is a usage error, not a run of errors
        socket = first;
        new Thread(() => ReceiveLoop(first)) { IsBackground = true, Name = $"conn {slot}" }.Start();
    }

    /// <summary>Starts counting the requests of a new phase (all connections are idle between phases).</summary>
    public void Begin(Phase next)
    {
        lock (gate)
        {
            phase = next;
            assigned = finished = 0;
        }
    }

    /// <summary>This connection's next request is due now.</summary>
    public void Submit()
    {
        lock (gate)
        {
            assigned++;
            if (broken)
            {
                FinishLocked("cannot reconnect");
            }
            else if (!inFlight && socket is not null)
            {
                SendLocked();
            }
        }
    }

    private static Socket Open(IPEndPoint endPoint)
    {
        // NoDelay: the request goes out in one send and must not wait for an ACK (Nagle) before leaving.
        // The receive timeout stands in for HttpClient's 30 s request timeout.
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveTimeout = 30_000 };
        try
        {
            socket.Connect(endPoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private void ReceiveLoop(Socket current)
    {
        while (true)
        {
            var reader = new ResponseReader(current);
            string? error = null;
            while (error is null)
            {
                try
                {
                    var status = reader.ReadResponse();
                    Complete(status is >= 200 and < 300 ? null : $"HTTP {status}", reader.KeepAlive);
                    if (!reader.KeepAlive)
                    {
                        error = "closed by server";
                    }
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock && !IsWaiting())
                {
                    // Nothing asked, nothing expected: an idle connection's receive timeout is not an error.
                }
                catch (Exception e) when (e is SocketException or IOException or InvalidDataException)
                {
                    error = e.Message;
                }
            }

            lock (gate)
            {
                socket = null;
                if (inFlight)
                {
                    inFlight = false;
                    FinishLocked(error); // a close while idle (keep-alive timeout) costs nobody a request
                }
            }

            current.Dispose();
            current = Reconnect();
        }
    }

    private Socket Reconnect()
    {
        while (true)
        {
            try
            {
                var fresh = Open(endPoint);
                lock (gate)
                {
                    socket = fresh;
                    broken = false;
                    if (assigned > finished)
                    {
                        SendLocked();
                    }
                }

                return fresh;
            }
            catch (SocketException e)
            {
                lock (gate)
                {
                    broken = true;
                    while (finished < assigned)
                    {
                        FinishLocked(e.Message);
                    }
                }

                Thread.Sleep(100);
            }
        }
    }

    private bool IsWaiting()
    {
        lock (gate)
        {
            return inFlight;
        }
    }

    // A response is in: the request in flight is over; send the next due one, unless the server closes.
    private void Complete(string? error, bool keepAlive)
    {
        lock (gate)
        {
            if (!inFlight)
            {
                throw new InvalidDataException("response without a request");
            }

            inFlight = false;
            FinishLocked(error);
            if (!keepAlive)
            {
                socket = null; // the receive loop reconnects, then sends what is due
            }
            else if (assigned > finished)
            {
                SendLocked();
            }
        }
    }

    private void SendLocked()
    {
        inFlight = true;
        try
        {
            var sent = 0;
            while (sent < request.Length)
            {
                sent += socket!.Send(request, sent, request.Length - sent, SocketFlags.None);
            }
        }
        catch (SocketException)
        {
            // Let the receive thread see the failure (recv returns at once) and count it against this request.
            try
            {
                socket!.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }
        }
    }

    private void FinishLocked(string? error) => phase!.Finish(slot + (finished++ * stride), error);
}
