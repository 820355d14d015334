using System.Text.Json;
using Shipyard.Functions.CustomHandler;

namespace Shipyard.Functions.Monitoring;

/// <summary>
/// The <c>DriftCheck</c> function: timer trigger on <c>%DRIFT_SCHEDULE%</c> (binding <c>timer</c>). The host POSTs
/// <c>/DriftCheck</c> with <c>{"Data":{"timer":{"Schedule":{…},"ScheduleStatus":{"Last","Next","LastUpdated"},"IsPastDue":false}},
/// "Metadata":{…,"sys":{"MethodName","UtcNow","RandGuid"}}}</c> (the timer info may also arrive as a JSON string); the handler
/// runs <see cref="DriftCheckJob"/> and answers 200 with one log line per checked version and the outcomes as
/// <c>ReturnValue</c>. A failure (storage down, registry still loading) answers 500; the next schedule runs again.
/// Retraining requests go to queue <c>retrain-requests</c> through the storage layer (same message the queue output binding would write).
/// </summary>
public static class DriftCheckFunction
{
    /// <summary>The function name (folder <c>functions/DriftCheck</c>, route <c>POST /DriftCheck</c>).</summary>
    public const string Name = "DriftCheck";

    /// <summary>The timer binding's name in function.json.</summary>
    public const string TimerBinding = "timer";

    /// <summary>Maps <c>POST /DriftCheck</c> through the host's invocation helper.</summary>
    public static RouteHandlerBuilder MapDriftCheck(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapInvocation(Name, RunAsync);

    /// <summary>Handles one timer invocation.</summary>
    public static async Task<InvocationResponse?> RunAsync(InvocationRequest request, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (IsPastDue(request))
        {
            context.Log($"{Name}: the timer is past due (a schedule was missed); checking the window that ends now.");
        }

        var job = context.Services.GetRequiredService<DriftCheckJob>();
        var outcomes = await job.RunAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var outcome in outcomes)
        {
            context.Log(outcome.Status == DriftCheckOutcome.Skipped
                ? $"{Name} {outcome.Model} v{outcome.Version}: skipped: {outcome.Reason}"
                : $"{Name} {outcome.Model} v{outcome.Version}: {outcome.Status} -> drift-reports/{outcome.Report}"
                    + (outcome.TopDriftedFeatures.Count > 0 ? $", drifted [{string.Join(", ", outcome.TopDriftedFeatures)}]" : string.Empty)
                    + (outcome.RetrainRequested ? ", retraining requested" : string.Empty));
        }

        if (outcomes.Count == 0)
        {
            context.Log($"{Name}: no model version has traffic; nothing to check.");
        }

        return new InvocationResponse(new Dictionary<string, object?>(), [], outcomes);
    }

    /// <summary>Data.timer.IsPastDue, whether the timer info came as an object or as a JSON string.</summary>
    public static bool IsPastDue(InvocationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var timer = request.GetData(TimerBinding);
        if (timer is { ValueKind: JsonValueKind.String } text)
        {
            try
            {
                using var parsed = JsonDocument.Parse(text.GetString()!);
                return IsPastDue(parsed.RootElement);
            }
            catch (JsonException)
            {
                return false;
            }
        }

        return timer is { } element && IsPastDue(element);
    }

    private static bool IsPastDue(JsonElement timer)
    {
        if (timer.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var property in timer.EnumerateObject())
        {
            if (string.Equals(property.Name, "IsPastDue", StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind == JsonValueKind.True;
            }
        }

        return false;
    }
}
