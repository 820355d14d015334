using Shipyard;
using Shipyard.Batch;
using Shipyard.Http.Apis;
using Shipyard.Http.Forwarding;
using Shipyard.Http.Hosting;
using Shipyard.Http.Telemetry;
using Shipyard.Monitoring;
using Shipyard.Server.Hosting;
using Shipyard.Server.RateLimiting;
using Shipyard.Server.Security;
using Shipyard.Streaming;

// Shipyard's standalone server on http://localhost:7071 (DESIGN.md §3 "Running it"): the HTTP API of Shipyard.Http,
// key checks and rate limits of its own, and the jobs the Functions app runs from triggers.
var builder = WebApplication.CreateBuilder(args);

builder.AddShipyardHosting();
builder.Services.AddShipyardTelemetry(builder.Configuration);
builder.Services.AddShipyard(builder.Configuration);
builder.Services.AddShipyardHttp(builder.Configuration);
builder.Services.AddShipyardGpuForwarding(builder.Configuration);
builder.Services.AddShipyardDrift(builder.Configuration);
builder.Services.AddShipyardBatch(builder.Configuration);
builder.Services.AddShipyardStreaming(builder.Configuration);
builder.Services.AddShipyardBackgroundJobs(builder.Configuration);
builder.Services.AddShipyardSecurity(builder.Configuration);
builder.Services.AddShipyardRateLimiting(builder.Configuration);

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRouting();
app.UseRequestTimeLimits();
app.UseAuthorization();
app.UseRateLimiter();

app.MapOpenApi("/api/openapi.json").AllowAnonymous().DisableRateLimiting();
app.MapHealthApi();
app.MapModelsApi();
app.MapPredictApi();
app.MapKServeApi();
app.MapAdminApi();
app.MapDriftApi();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory tests.</summary>
public partial class Program;
