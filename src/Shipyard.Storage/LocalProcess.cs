using System.Diagnostics;
using System.Globalization;

namespace Shipyard.Storage;

/// <summary>
/// Names a running process so that another process can later tell, for certain, that it is gone: the token is
/// <c>{machine}.{pid}.{start}</c>, where <c>start</c> is the process's start time in clock ticks since boot
/// (field 22 of <c>/proc/{pid}/stat</c>), so a process id reused by a later process does not look alive.
/// Used for the file store's temporary files and for batch claims.
/// </summary>
/// <remarks>
/// <see cref="IsProvablyGone"/> answers true only when it can be sure: the token names this machine and no process with
/// that id runs, or one runs that started at another time. Anything else (another machine, a token it cannot read,
/// a platform without <c>/proc</c> where the start time is unknown and the id is in use) is "maybe alive": callers then
/// fall back to a timeout. A machine is told by its host name, so two hosts sharing one name would confuse it; replicas
/// in Azure Container Apps and Functions each have their own.
/// </remarks>
public static class LocalProcess
{
    // Declared before Token: static initializers run in textual order.
    private static string MachineName { get; } = string.Concat(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-'));

    /// <summary>This process's token.</summary>
    public static string Token { get; } = Create(Environment.ProcessId);

    /// <summary>Whether the process <paramref name="token"/> names has certainly ended (see the class remarks).</summary>
    public static bool IsProvablyGone(string? token)
    {
        var parts = token?.Split('.');
        if (parts is not { Length: 3 } || parts[0] != MachineName
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            return token != Token;
        }

        if (!IsRunning(pid))
        {
            return true;
        }

        // Running: the same process only if it started when the token says (unknown start times prove nothing).
        return parts[2] != "0" && StartTime(pid) is { } start && start != parts[2];
    }

    private static string Create(int pid) => $"{MachineName}.{pid.ToString(CultureInfo.InvariantCulture)}.{StartTime(pid) ?? "0"}";

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false; // no such process
        }
    }

    /// <summary>The start time from /proc (Linux), or null where there is none or the process just ended.</summary>
    private static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");

            // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
