using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Shipyard.Functions.Http;
using Shipyard.Http.Hosting;

// Shipyard's function app (DESIGN.md §3 "Functions"): the .NET isolated worker with ASP.NET Core integration. The
// Functions host checks keys and runs the triggers; the services are the ones the standalone server registers.
var builder = FunctionsApplication.CreateBuilder(args);
builder.Configuration.AddShipyardLogLevelDefaults();
builder.ConfigureFunctionsWebApplication();

// After the ASP.NET Core integration's own middleware: bad input thrown by a handler becomes its problem+json answer.
builder.UseMiddleware<HttpProblemMiddleware>();

builder.Services.AddShipyardApp(builder.Configuration);

// The worker's Kestrel receives the requests the host proxies: let uploads through up to the upload limit (smaller
// per-route limits are enforced while reading, as in the server).
builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<HttpServerOptions>>((kestrel, http) =>
    kestrel.Limits.MaxRequestBodySize = Math.Max(http.Value.MaxUploadBytes, http.Value.MaxRequestBodyBytes));

builder.Build().Run();
