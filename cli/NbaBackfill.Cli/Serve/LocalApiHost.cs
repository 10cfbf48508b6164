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
/// The same HTTP API as the Functions app (the one endpoint table of <see cref="BackfillEndpoints"/>) on 127.0.0.1,
/// behind a bearer token, over a local engine. One process owns the DuckDB file; everything goes through it.
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
        builder.Services.AddBackfillApi();
        builder.Services.AddSingleton(new ApiEngine(engine.Client, engine.Name));
        builder.Services.AddSingleton(warehouse);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time);
        var app = builder.Build();
        // Whatever the endpoints do not answer (an unknown route, an exception) is problem+json as well.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/" + ApiRoutes.Prefix)
                && !CryptographicOperations.FixedTimeEquals(
                    System.Text.Encoding.UTF8.GetBytes(http.Request.Headers.Authorization.ToString()),
                    System.Text.Encoding.UTF8.GetBytes("Bearer " + token)))
            {
                await TypedResults.Problem(
                    "send Authorization: Bearer <token> (printed by serve, or NBA_API_TOKEN)", statusCode: StatusCodes.Status401Unauthorized,
                    title: "Unauthorized").ExecuteAsync(http);
                return;
            }
            await next(http);
        });
        app.MapBackfillApi();
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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
