using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace NbaBackfill.Cli.Serve;

/// <summary>
/// The dashboard: one offline page (no CDN, no build step) served without the token; every data call it makes sends
/// the token it was given in the URL fragment (#token=…, never sent to the server, kept in sessionStorage).
/// </summary>
internal static class DashboardEndpoints
{
    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("NbaBackfill.Cli.Serve.dashboard.html")
            ?? throw new InvalidOperationException("dashboard.html is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static void Map(WebApplication app)
    {
        app.MapGet("/", () => Results.Content(Page.Value, "text/html; charset=utf-8"));
        app.MapGet("/index.html", () => Results.Content(Page.Value, "text/html; charset=utf-8"));
    }
}
