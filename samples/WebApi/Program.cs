using System.Diagnostics;
using Microsoft.ML.Deberta;
using Microsoft.ML.Deberta.Samples.WebApi;

// A saved ML.NET model behind POST /predict, with dynamic batching of concurrent requests (or one row per pass with
// --no-batching), /healthz (the process is up) and /readyz (the model is loaded and warmed up, or why not).
ServeArguments arguments;
try
{
    arguments = ServeArguments.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var builder = WebApplication.CreateBuilder();
builder.WebHost.UseUrls($"http://{arguments.Host}:{arguments.Port}");
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = arguments.MaxBodyBytes);
builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; });
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
builder.Services.AddSingleton(arguments);
builder.Services.AddSingleton<ServedModel>();
var app = builder.Build();
var model = app.Services.GetRequiredService<ServedModel>();
var requests = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Requests");

// Load after the server listens, so that /healthz and /readyz answer while the model loads.
app.Lifetime.ApplicationStarted.Register(() =>
{
    // The process id lets scripts (build.sh loadtest) read its memory and stop it with SIGTERM.
    Console.WriteLine($"Serving on {string.Join(", ", app.Urls)} (process {Environment.ProcessId}); loading the model.");
    _ = Task.Run(() => model.Load(app.Lifetime.ApplicationStopping));
});

// Per-request latency; JSON errors for whatever the handlers refuse.
app.Use(async (context, next) =>
{
    var clock = Stopwatch.StartNew();
    try
    {
        await next(context);
    }
    catch (RequestError e)
    {
        await Error(context, e.Status, e.Message);
    }
    catch (PredictionQueueFullException e)
    {
        context.Response.Headers.RetryAfter = "1";
        await Error(context, StatusCodes.Status503ServiceUnavailable, e.Message);
    }
    catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
    {
        // The client went away; nobody to answer.
    }
    catch (Exception e)
    {
        // The model refused a text (or worse): the caller learns that scoring failed, the log has the details.
        requests.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
        await Error(context, StatusCodes.Status500InternalServerError, $"Scoring failed: {e.Message}");
    }
    if (arguments.RequestLog)
        requests.LogInformation("{Method} {Path} {Status} {Milliseconds:0.0} ms", context.Request.Method, context.Request.Path,
            context.Response.StatusCode, clock.Elapsed.TotalMilliseconds);
});

app.MapGet("/healthz", () => Results.Json(new { status = "ok" }));
app.MapGet("/readyz", () =>
{
    var (status, detail) = model.State;
    return Results.Json(new { status, detail, mode = model.Mode },
        statusCode: status == "ready" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
});
app.MapPost("/predict", async (HttpContext context) =>
{
    if (!model.IsReady)
    {
        var (status, detail) = model.State;
        throw new RequestError(StatusCodes.Status503ServiceUnavailable, $"The model is not ready ({status}: {detail}); see /readyz.");
    }
    var (texts, many) = await PredictRequest.ReadAsync(context.Request, arguments.MaxTexts, arguments.MaxBodyBytes, context.RequestAborted);
    var predictions = await model.PredictAsync(texts, context.RequestAborted);
    return many ? Results.Json(new { predictions }) : Results.Json(predictions[0]);
});
app.MapFallback((HttpContext context) => Error(context, StatusCodes.Status404NotFound,
    $"No {context.Request.Method} {context.Request.Path}; use POST /predict, GET /healthz or GET /readyz."));

// RunAsync returns after in-flight requests finished and the services (the model, its queue) were disposed.
await app.RunAsync();
Console.WriteLine($"Stopped cleanly ({model.Batches} batches scored).");
return 0;

static Task Error(HttpContext context, int status, string message)
{
    if (context.Response.HasStarted)
        return Task.CompletedTask;
    context.Response.StatusCode = status;
    return context.Response.WriteAsJsonAsync(new { error = message });
}
