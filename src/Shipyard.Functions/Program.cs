using Shipyard;
using Shipyard.Functions.Apis;
using Shipyard.Functions.Batch;
using Shipyard.Functions.CustomHandler;
using Shipyard.Functions.Forwarding;
using Shipyard.Functions.Hosting;
using Shipyard.Functions.Monitoring;
using Shipyard.Functions.RateLimiting;
using Shipyard.Functions.Security;
using Shipyard.Functions.Streaming;
using Shipyard.Functions.Telemetry;

// Shipyard's function app: the Azure Functions custom handler when FUNCTIONS_CUSTOMHANDLER_PORT is set,
// a standalone server on http://localhost:7071 otherwise (DESIGN.md §3 "Running it").
var builder = WebApplication.CreateBuilder(args);

builder.AddShipyardHosting();
builder.Services.AddShipyardTelemetry(builder.Configuration);
builder.Services.AddShipyard(builder.Configuration);
builder.Services.AddShipyardHttp();
builder.Services.AddShipyardGpuForwarding(builder.Configuration);
builder.Services.AddShipyardDrift(builder.Configuration);
builder.Services.AddShipyardBatch(builder.Configuration);
builder.Services.AddShipyardStreaming(builder.Configuration);
builder.Services.AddShipyardSecurity(builder.Configuration);
builder.Services.AddShipyardRateLimiting(builder.Configuration);

var app = builder.Build();

app.UseMiddleware<HttpTriggerInvocationMiddleware>();
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
app.MapDriftCheck();
app.MapBatchScore();
app.MapStreamScore();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory tests.</summary>
public partial class Program;
