using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NbaBackfill.Api;
using NbaBackfill.Engines;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Cli.Serve;

/// <summary>
/// The same HTTP API as the Functions app (same routes, payloads and status codes) on 127.0.0.1, behind a bearer
/// token, over a local engine. One process owns the DuckDB file; everything goes through it.
/// </summary>
public sealed class LocalApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalApiHost(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public static async Task<LocalApiHost> StartAsync(
        IBackfillEngine engine, IWarehouse warehouse, TimeProvider time, ApiOptions options, string token, int port, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = options.MaxBodyBytes * 4L;
        });
        var app = builder.Build();
        var api = new Func<HttpContext, BackfillApi>(http =>
            new BackfillApi(engine.Client, warehouse, options, id => ManagementPayloads.FromRoutes($"{http.Request.Scheme}://{http.Request.Host}", id), engine.Name));

        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/api")
                && !CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.UTF8.GetBytes(http.Request.Headers.Authorization.ToString()),
                    System.Text.Encoding.UTF8.GetBytes("Bearer " + token)))
            {
                await WriteAsync(http, ApiResponse.Problem(401, "Unauthorized", "send Authorization: Bearer <token> (printed by serve, or NBA_API_TOKEN)"));
                return;
            }
            await next(http);
        });
        app.MapPost("/api/backfills", async (HttpContext http) =>
        {
            var body = await RequestBody.ReadLimitedAsync(http.Request.Body, options.MaxBodyBytes + 1, http.RequestAborted);
            await WriteAsync(http, await api(http).StartAsync(body, http.RequestAborted));
        });
        app.MapGet("/api/backfills", async (HttpContext http) =>
        {
            var q = http.Request.Query;
            await WriteAsync(http, await api(http).ListAsync(q["status"], q["from"], q["pageSize"], q["continuationToken"], http.RequestAborted));
        });
        app.MapGet("/api/backfills/{id}", async (HttpContext http, string id) => await WriteAsync(http, await api(http).GetAsync(id, http.RequestAborted)));
        app.MapPost("/api/backfills/{id}/terminate", async (HttpContext http, string id) => await WriteAsync(http, await api(http).TerminateAsync(id, http.RequestAborted)));
        app.MapPost("/api/backfills/{id}/retry", async (HttpContext http, string id) =>
            await WriteAsync(http, await api(http).RetryAsync(id, http.Request.Query["correctableOnly"], http.RequestAborted)));
        app.MapGet("/api/gaps", async (HttpContext http) =>
            await WriteAsync(http, await api(http).GapsAsync(http.Request.Query["from"], http.Request.Query["to"], http.RequestAborted)));
        app.MapGet("/api/reconciliation", async (HttpContext http) =>
            await WriteAsync(http, await api(http).ReconciliationAsync(http.Request.Query["from"], http.Request.Query["to"], http.Request.Query["perDate"], http.RequestAborted)));
        app.MapGet("/api/coverage", async (HttpContext http) =>
            await WriteAsync(http, await api(http).CoverageAsync(http.Request.Query["from"], http.Request.Query["to"], http.RequestAborted)));
        app.MapGet("/api/failures", async (HttpContext http) =>
            await WriteAsync(http, await api(http).FailuresAsync(http.Request.Query["processor"], http.Request.Query["date"], http.RequestAborted)));
        DashboardEndpoints.Map(app);

        await app.StartAsync(ct);
        return new LocalApiHost(app, $"http://127.0.0.1:{port}");
    }

    public static string LoadOrCreateToken(Func<string, string?> variable, string tokenFile)
    {
        if (variable("NBA_API_TOKEN") is { Length: > 0 } fromEnv) return fromEnv;
        if (File.Exists(tokenFile)) return File.ReadAllText(tokenFile).Trim();
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(tokenFile))!);
        File.WriteAllText(tokenFile, token);
        return token;
    }

    private static async Task WriteAsync(HttpContext http, ApiResponse response)
    {
        http.Response.StatusCode = response.Status;
        http.Response.ContentType = response.ContentType + "; charset=utf-8";
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>()) http.Response.Headers[name] = value;
        await http.Response.WriteAsync(response.BodyText);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
