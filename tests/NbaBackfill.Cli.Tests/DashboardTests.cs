using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using NbaBackfill.Api;
using NbaBackfill.Cli.Serve;
using NbaBackfill.Engines;
using NbaBackfill.Orchestration;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Warehouse;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Cli.Tests;

/// <summary>The dashboard in a real browser (Debian's chromium through Playwright) after a real backfill of a month.</summary>
[Collection("durable hosts")]
public sealed class DashboardTests : IAsyncLifetime
{
    private const string Token = "dashboard-token";
    private BundledEngine _bed = null!;

    private DuckDbWarehouse Warehouse => _bed.Warehouse;

    private SidecarEngine Engine => _bed.Engine;
    private LocalApiHost _host = null!;

    public async Task InitializeAsync()
    {
        _bed = await BundledEngine.StartAsync("dash");
        var request = new BackfillRequest(new DateOnly(2021, 12, 1), new DateOnly(2021, 12, 31), ProcessorIds.All);
        var outcome = await new BackfillRunner(Engine, Warehouse, TimeProvider.System).RunAsync(request, RunIds.Key(request), null, CancellationToken.None);
        Assert.Equal(RunStatus.Completed, outcome.Status);
        var port = BundledEngine.FreePort();
        _host = await LocalApiHost.StartAsync(Engine, Warehouse, TimeProvider.System, new ApiOptions(), Token, port, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task Heatmap_cells_drill_down_reconciliation_and_runs_after_a_month_backfill()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            // ./test exports NBA_CHROMIUM (Debian's chromium; Playwright cannot download a browser here).
            ExecutablePath = Environment.GetEnvironmentVariable("NBA_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
        await page.GotoAsync($"{_host.BaseUrl}/#token={Token}");
        await page.FillAsync("#from", "2021-12-01");
        await page.FillAsync("#to", "2021-12-31");
        await page.ClickAsync("#load");
        await page.WaitForFunctionAsync("document.querySelectorAll('#heatmap .cell').length === 186 && document.querySelector('#heatmap .cell[data-date=\"2021-12-01\"]') !== null");

        // Every cell shows the state the API reports for it.
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        using var coverage = JsonDocument.Parse(await http.GetStringAsync($"{_host.BaseUrl}/api/coverage?from=2021-12-01&to=2021-12-31"));
        var expected = coverage.RootElement.GetProperty("cells").EnumerateArray()
            .ToDictionary(c => (c.GetProperty("processor").GetString()!, c.GetProperty("date").GetString()!), c => c.GetProperty("state").GetString()!);
        var shown = await page.EvalOnSelectorAllAsync<string[][]>("#heatmap .cell", "cells => cells.map(c => [c.dataset.processor, c.dataset.date, c.dataset.state])");
        Assert.Equal(186, shown.Length);
        Assert.All(shown, s => Assert.Equal(expected[(s[0], s[1])], s[2]));
        Assert.All(shown.Where(s => s[1] == "2021-12-24"), s => Assert.Equal("NoGames", s[2]));
        Assert.All(shown.Where(s => s[0] == "PGS" && s[1] != "2021-12-24"), s => Assert.Equal("Complete", s[2]));
        Assert.DoesNotContain(shown, s => s[2] is "Unaccounted" or "NotRun");
        Assert.Contains("expected", await page.GetAttributeAsync("#heatmap .cell[data-processor='PDC'][data-date='2021-12-15']", "title"), StringComparison.Ordinal);

        // Drill-down: PDC on Dec 15 lists its failures with category, type, correctability and missing dates.
        await page.ClickAsync("#heatmap .cell[data-processor='PDC'][data-date='2021-12-15']");
        await page.WaitForSelectorAsync("#failures tbody tr");
        var header = await page.InnerTextAsync("#drilldown h2");
        Assert.Matches(@"^PDC 2021-12-15: \d+ failure\(s\)$", header);
        var rows = await page.EvalOnSelectorAllAsync<string[][]>("#failures tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))");
        Assert.Contains(rows, r => r[1] == "INCOMPLETE_DATA" && r[2] == "PLAYER_DNP" && r[3] == "no" && r[4].StartsWith("[\"2021-12", StringComparison.Ordinal));

        await page.WaitForSelectorAsync("#reconciliation[data-range='2021-12-01..2021-12-31'] tbody tr");
        var reconciliation = await page.EvalOnSelectorAllAsync<string[][]>("#reconciliation tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))");
        Assert.Equal(["PGS", "PSZA", "TDZA", "PCF", "PDC", "MLFS"], reconciliation.Select(r => r[0]));
        Assert.All(reconciliation, r => Assert.Equal("0", r[4]));

        // The date axis: a tick with the month's name at its first date.
        Assert.Equal("Dec 21", (await page.InnerTextAsync("#heatmap .tick[data-month='2021-12']")).Trim());

        // Runs come from backfill_runs, with their engine.
        await page.WaitForSelectorAsync("#runs a[data-run]");
        Assert.Contains("inprocess", await page.InnerTextAsync("#runs tbody tr"), StringComparison.Ordinal);
        await page.ClickAsync("#runs a[data-run]");
        await page.WaitForSelectorAsync("#run-detail progress");
        Assert.Contains("Completed", await page.InnerTextAsync("#run-detail"), StringComparison.Ordinal);

        // A corrected box score of Dec 15 is loaded: its PGS cell turns stale, the reason on hover; /api/stale agrees.
        var dec15 = new DateOnly(2021, 12, 15);
        await Warehouse.ReplaceRawAsync(new Versions.RawLoad(VersionFixtures.WithOneStatCorrected(dec15), Calendar.DateRange.Single(dec15), "fix", TimeProvider.System.GetUtcNow()), CancellationToken.None);
        await page.ClickAsync("#load");
        await page.WaitForSelectorAsync("#heatmap .cell[data-processor='PGS'][data-date='2021-12-15'][data-state='Stale']");
        Assert.Contains("stale: raw 2021-12-15 changed", await page.GetAttributeAsync("#heatmap .cell[data-processor='PGS'][data-date='2021-12-15']", "title"), StringComparison.Ordinal);
        Assert.Equal("Complete", await page.GetAttributeAsync("#heatmap .cell[data-processor='PGS'][data-date='2021-12-14']", "data-state"));
        using var stale = JsonDocument.Parse(await http.GetStringAsync($"{_host.BaseUrl}/api/stale?from=2021-12-01&to=2021-12-31"));
        var node = Assert.Single(stale.RootElement.EnumerateArray());
        Assert.Equal(("PGS", "2021-12-15"), (node.GetProperty("processor").GetString(), node.GetProperty("date").GetString()));

        var artifacts = Path.Combine(RepoPaths.Root, "artifacts");
        Directory.CreateDirectory(artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "dashboard.png"), FullPage = true });
        Assert.True(new FileInfo(Path.Combine(artifacts, "dashboard.png")).Length > 10_000);
    }
}
