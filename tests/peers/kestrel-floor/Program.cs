// What Kestrel alone costs on this machine (docs/benchmarks.md "HTTP", session 4): the predict route of the benchmark,
// answered with a fixed prediction after reading the body, no middleware, no model. Run it like the server:
//   dotnet build -c Release tests/peers/kestrel-floor -o /tmp/floor-bin
//   /tmp/floor-bin/KestrelFloor --urls http://127.0.0.1:PORT   (then wrk -t2 -c64 -s tests/peers/load/post.lua on
//   http://127.0.0.1:PORT/api/models/breast-cancer/versions/1/predict, CPU time from /proc/PID/stat)
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
var answer = """{"model":"breast-cancer","version":"1","predictions":[{"label":"benign","probabilities":{"malignant":0.01,"benign":0.99}}]}"""u8.ToArray();
var sink = new byte[16384];
app.MapPost("/api/models/breast-cancer/versions/1/predict", async (HttpContext context) =>
{
    while (await context.Request.Body.ReadAsync(sink) > 0)
    {
        // The body is read and dropped, as a server must before answering.
    }

    context.Response.ContentType = "application/json";
    context.Response.ContentLength = answer.Length;
    await context.Response.Body.WriteAsync(answer);
});
app.Run();
