using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Which types a process allocates most (docs/benchmarks.md "HTTP", session 4): sums the runtime's AllocationTick
// events (one per ~100 KB allocated, naming the type that crossed the mark) of a trace taken with
//   dotnet-trace collect -p PID --profile gc-verbose --duration 00:00:05 -o trace.nettrace
// and prints the top types with their share of the sampled bytes.
// usage: dotnet run -c Release --project tests/peers/alloc-types -- trace.nettrace [top=40]
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: AllocTypes TRACE.nettrace [TOP]");
    return 2;
}

var top = args.Length == 2 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 40;
var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
long total = 0;
using (var source = new EventPipeEventSource(args[0]))
{
    source.Clr.GCAllocationTick += (GCAllocationTickTraceData e) =>
    {
        var type = e.TypeName ?? "?";
        bytes[type] = bytes.GetValueOrDefault(type) + e.AllocationAmount64;
        total += e.AllocationAmount64;
    };
    source.Process();
}

Console.WriteLine($"sampled {total / 1024:N0} KB");
foreach (var (type, amount) in bytes.OrderByDescending(p => p.Value).Take(top))
{
    Console.WriteLine($"{100.0 * amount / total,6:F2}% {amount / 1024,10:N0} KB {type}");
}

return 0;
