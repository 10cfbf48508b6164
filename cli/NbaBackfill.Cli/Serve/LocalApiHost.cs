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
            new BackfillApi(engine.Client, warehouse, options, id => ManagementPayloads.FromRoutes($"{http.Request.Scheme}://{http.Request.Host}", id), engine.Name, time));

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
        app.MapGet("/api/stale", async (HttpContext http) =>
            await WriteAsync(http, await api(http).StaleAsync(http.Request.Query["from"], http.Request.Query["to"], http.RequestAborted)));
        app.MapGet("/api/runs", async (HttpContext http) => await WriteAsync(http, await api(http).RunsAsync(http.RequestAborted)));
        DashboardEndpoints.Map(app);

        await app.StartAsync(ct);
        return new LocalApiHost(app, $"http://127.0.0.1:{port}");
    }

    public const int MinTokenLength = 32;

    /// <summary>
    /// The bearer token: NBA_API_TOKEN, else the token file, else a new random one written to it owner-only (0600).
    /// A short token, or a file that others can read, is refused: either makes the API's one secret guessable.
    /// </summary>
    public static string LoadOrCreateToken(Func<string, string?> variable, string tokenFile)
    {
        if (variable("NBA_API_TOKEN") is { } fromEnv)
        {
            return fromEnv.Trim().Length >= MinTokenLength
                ? fromEnv.Trim()
                : throw new UsageException($"NBA_API_TOKEN: must be at least {MinTokenLength} characters (it is {fromEnv.Trim().Length})");
        }
        var path = Path.GetFullPath(tokenFile);
        if (File.Exists(path))
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & OthersAccess) != 0)
            {
                throw new UsageException($"{path}: readable by group or others (mode {Convert.ToString((int)File.GetUnixFileMode(path), 8)}); run chmod 600 on it, or delete it for a new token");
            }
            var stored = File.ReadAllText(path).Trim();
            return stored.Length >= MinTokenLength
                ? stored
                : throw new UsageException($"{path}: token shorter than {MinTokenLength} characters; delete the file for a new one");
        }
        var token = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
        var dir = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
        else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(path, System.Text.Encoding.UTF8, options)) writer.Write(token);
        return token;
    }

    private const UnixFileMode OthersAccess = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

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
