using Shipyard.Http.Apis;
using Shipyard.Http.Hosting;
using Shipyard.Server.Grpc;
using Shipyard.Server.Hosting;
using Shipyard.Server.RateLimiting;
using Shipyard.Server.Security;
using Shipyard.Server.Telemetry;

// Shipyard's standalone server on http://localhost:7071 (DESIGN.md §3 "Running it"): the HTTP API of Shipyard.Http,
// the KServe v2 gRPC service on http://localhost:7072 (Shipyard:Grpc:Url), key checks and rate limits of its own, and
// the jobs the Functions app runs from triggers.
var builder = WebApplication.CreateBuilder(args);

builder.AddShipyardHosting();
builder.AddShipyardGrpc();
builder.Services.AddShipyardApp(builder.Configuration);
builder.Services.AddShipyardRequestTelemetry(builder.Configuration);
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
app.MapEvaluationApi();
app.MapShipyardGrpc();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory tests.</summary>
public partial class Program;
