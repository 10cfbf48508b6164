using Microsoft.Extensions.Time.Testing;
using NbaBackfill.Calendar;
using NbaBackfill.Engines;
using NbaBackfill.Failures;
using NbaBackfill.Landing;
using NbaBackfill.Orchestration;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Api.Tests;

/// <summary>
/// The daily flow end to end: a game's box scores are missing at first (DATA_GAP failures), the scraper lands the
/// date later, and one timer tick ingests it and recomputes what it changed.
/// </summary>
[Collection("durable hosts")]
public sealed class DailyIngestTests : IDisposable
{
    private static readonly DateOnly Late = new(2021, 11, 10);
    private static readonly DateRange Range = new(Fixtures.Season2021.From, Late.AddDays(2));
    private readonly TempFolder _dir = new("daily");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_late_box_score_landed_days_later_is_ingested_by_the_next_tick_and_its_data_gaps_resolve()
    {
        var gameId = Fixtures.BundledSeason.Games.First(g => g.GameDate == Late).GameId;
        // The season as first scraped: one game of Nov 10 without its box scores.
        var scraped = VersionFixtures.WriteSeasonFolder(_dir.File("scraped"), cells => cells[0] == gameId ? null : string.Join(",", cells));
        var landing = new LocalFolderLanding(_dir.File("landing"));
        await using var warehouse = await DuckDbWarehouse.OpenAsync(_dir.File("daily.duckdb"));
        await SeasonLoader.LoadAsync(new FolderRawSource(scraped), scraped, warehouse, landing, TimeProvider.System, null, CancellationToken.None);
        await using var engine = await InProcessEngine.StartAsync(warehouse, TimeProvider.System);
        var request = new BackfillRequest(Range.From, Range.To, ProcessorIds.All, OnFailure.Continue);
        await new BackfillRunner(engine, warehouse, TimeProvider.System).RunAsync(request, "gap", null, CancellationToken.None);
        var gaps = (await warehouse.ReadUnresolvedFailuresAsync(ProcessorId.PDC, new DateRange(Late.AddDays(1), Range.To), CancellationToken.None))
            .Where(f => f.FailureType == FailureType.DataGap && (f.MissingGameIds ?? "").Contains(gameId, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(gaps);

        // The scraper lands the complete Nov 10 folder (its manifest last).
        var complete = new FolderRawSource(RepoPaths.BundledSeason);
        await landing.LandAsync(SeasonSplitter.Split(complete, SeasonParser.Parse(complete)).Within(DateRange.Single(Late)), CancellationToken.None);

        var time = new FakeTimeProvider(new DateTimeOffset(Late.AddDays(3).ToDateTime(new TimeOnly(11, 0)), TimeSpan.Zero));
        var daily = new DailyRunner(engine.Client, warehouse, time, "test", catchUpDays: 7, landing);
        var tick = await daily.TickWithIngestAsync(CancellationToken.None);
        Assert.Equal([Late], tick.Ingest.Ingested.Select(d => d.Date));
        Assert.Empty(tick.Ingest.Skipped);
        var started = tick.Decisions.Where(d => d.Action == DailyAction.Started).ToList();
        Assert.Contains(started, d => d.Date == Late);
        var runId = started[0].RunId!;
        await engine.Client.WaitForInstanceCompletionAsync(runId);

        // No failure names the late game any more: those whose entity now has a row are RESOLVED, the others were
        // replaced by what the complete data gives (a player's short history, say); the tables equal a clean run's.
        var after = (await warehouse.ReadAllAsync(TableCatalog.PrecomputeFailures, new DateRange(Late.AddDays(1), Range.To), CancellationToken.None))
            .Select(r => FailureRecord.From(new Row(r))).ToList();
        Assert.DoesNotContain(after, a => a.IsUnresolved && (a.MissingGameIds ?? "").Contains(gameId, StringComparison.Ordinal));
        var resolved = gaps.Count(g => after.Any(a => a.EntityId == g.EntityId && a.AnalysisDate == g.AnalysisDate
            && a.FailureCategory == g.FailureCategory && a.ResolutionStatus == ResolutionStatus.Resolved && a.ResolvedAt is not null));
        Assert.InRange(resolved, 1, gaps.Count);
        await using var clean = await DuckDbWarehouse.OpenAsync(_dir.File("clean.duckdb"));
        await clean.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        await using (var cleanEngine = await InProcessEngine.StartAsync(clean, TimeProvider.System))
        {
            await new BackfillRunner(cleanEngine, clean, TimeProvider.System).RunAsync(request, "clean", null, CancellationToken.None);
        }
        Assert.Equal(await VersionFixtures.ContentAsync(clean, Range), await VersionFixtures.ContentAsync(warehouse, Range));

        // The next tick: nothing newly landed, every date fresh.
        var next = await daily.TickWithIngestAsync(CancellationToken.None);
        Assert.Empty(next.Ingest.Ingested);
        Assert.All(next.Decisions, d => Assert.Equal(DailyAction.Done, d.Action));
    }
}
