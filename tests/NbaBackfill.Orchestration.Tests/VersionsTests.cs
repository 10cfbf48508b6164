using NbaBackfill.Calendar;
using NbaBackfill.Engines;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Tables;
using NbaBackfill.Versions;
using NbaBackfill.Warehouse;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Orchestration.Tests;

/// <summary>Data and code versions on the bundled season, DuckDB, in-process engine: only what changed is computed.</summary>
[Collection("durable hosts")]
public sealed class VersionsTests : IDisposable
{
    private readonly TempFolder _dir = new("versions");

    public void Dispose() => _dir.Dispose();

    private async Task<DuckDbWarehouse> OpenAsync(string name, Raw.RawSeason season)
    {
        var w = await DuckDbWarehouse.OpenAsync(_dir.File(name + ".duckdb"));
        await w.ReplaceRawSeasonAsync(season, name, Fixtures.Stamp.CreatedAt, CancellationToken.None);
        return w;
    }

    private static async Task<BackfillOutcome> RunAsync(IWarehouse warehouse, BackfillRequest request, string runId, CodeVersions? code = null)
    {
        await using var engine = await InProcessEngine.StartAsync(warehouse, TimeProvider.System, code: code);
        return await new BackfillRunner(engine, warehouse, TimeProvider.System).RunAsync(request, runId, null, CancellationToken.None);
    }

    private static BackfillRequest Season => new(Fixtures.Season2021.From, Fixtures.Season2021.To, ProcessorIds.All);

    [Fact]
    public async Task A_corrected_stat_recomputes_only_what_it_reaches_and_ends_equal_to_a_fresh_backfill()
    {
        await using var incremental = await OpenAsync("incremental", Fixtures.BundledSeason);
        Assert.Equal(RunStatus.Completed, (await RunAsync(incremental, Season, "first")).Status);

        // Nothing changed: a second run computes nothing, with no activity at all.
        var again = await RunAsync(incremental, Season, "again");
        Assert.Equal((RunStatus.Completed, 0, 990, 0), (again.Status, again.Progress.Computed, again.Progress.SkippedFresh, again.Progress.Activities));

        // One more assist for one player in one game, loaded as the whole corrected season: one raw date changes.
        var corrected = VersionFixtures.WithOneStatCorrected();
        await incremental.ReplaceRawSeasonAsync(corrected, "corrected", TimeProvider.System.GetUtcNow(), CancellationToken.None);
        var stale = await StaleRuns.FindAsync(incremental, Fixtures.Season2021, ProcessorIds.All, CodeVersions.Declared, CancellationToken.None);
        var only = Assert.Single(stale);
        Assert.Equal((ProcessorId.PGS, VersionFixtures.CorrectedDate), (only.Processor, only.Date));
        Assert.Equal([$"raw {DateRange.Format(VersionFixtures.CorrectedDate)} changed"], only.Reasons);

        var rerun = await RunAsync(incremental, Season, "after-correction");
        Assert.Equal(RunStatus.Completed, rerun.Status);
        Assert.InRange(rerun.Progress.Computed, 1, 990 / 2); // the changed date and what its changed outputs reach
        Assert.Equal(990, rerun.Progress.Computed + rerun.Progress.SkippedFresh);
        Assert.Empty(await StaleRuns.FindAsync(incremental, Fixtures.Season2021, ProcessorIds.All, CodeVersions.Declared, CancellationToken.None));

        await using var fresh = await OpenAsync("fresh", corrected);
        Assert.Equal(RunStatus.Completed, (await RunAsync(fresh, Season, "fresh")).Status);
        Assert.Equal(await VersionFixtures.ContentAsync(fresh, Fixtures.Season2021), await VersionFixtures.ContentAsync(incremental, Fixtures.Season2021));
        // Node versions agree too: the same outputs, whoever computed them and in how many steps.
        Assert.Equal(await OutputVersionsAsync(fresh), await OutputVersionsAsync(incremental));
    }

    [Fact]
    public async Task A_code_version_bump_recomputes_its_nodes_and_nothing_downstream_when_the_output_is_unchanged()
    {
        var range = new DateRange(new DateOnly(2021, 10, 19), new DateOnly(2021, 11, 15));
        var request = new BackfillRequest(range.From, range.To, ProcessorIds.All);
        await using var w = await OpenAsync("bump", Fixtures.BundledSeason);
        Assert.Equal(RunStatus.Completed, (await RunAsync(w, request, "v1")).Status);
        var before = await VersionFixtures.ContentAsync(w, range);
        var pcfNodes = (await w.ReadAsync(TableCatalog.NodeVersions, range, NodeVersionRow.From, CancellationToken.None)).Count(n => n.Processor == ProcessorId.PCF);

        var bumped = CodeVersions.Declared.With(ProcessorId.PCF, ProcessorIds.CodeVersion(ProcessorId.PCF) + 1);
        var stale = await StaleRuns.FindAsync(w, range, ProcessorIds.All, bumped, CancellationToken.None);
        Assert.Equal(pcfNodes, stale.Count);
        Assert.All(stale, s => Assert.Equal((ProcessorId.PCF, $"code PCF 1→2"), (s.Processor, Assert.Single(s.Reasons))));

        var outcome = await RunAsync(w, request, "v2", bumped);
        Assert.Equal((RunStatus.Completed, pcfNodes), (outcome.Status, outcome.Progress.Computed));
        Assert.Equal(before, await VersionFixtures.ContentAsync(w, range));
        Assert.Empty(await StaleRuns.FindAsync(w, range, ProcessorIds.All, bumped, CancellationToken.None));
        // The declared version is now behind what the nodes were computed with: stale again, by name.
        Assert.All(await StaleRuns.FindAsync(w, range, [ProcessorId.PCF], CodeVersions.Declared, CancellationToken.None),
            s => Assert.Equal("code PCF 2→1", Assert.Single(s.Reasons)));
    }

    [Fact]
    public async Task Force_recomputes_every_node_and_a_partial_raw_load_replaces_only_its_dates()
    {
        var range = new DateRange(new DateOnly(2021, 10, 19), new DateOnly(2021, 10, 31));
        var request = new BackfillRequest(range.From, range.To, ProcessorIds.All);
        await using var w = await OpenAsync("force", Fixtures.BundledSeason);
        var first = await RunAsync(w, request, "first");
        var forced = await RunAsync(w, request with { Force = true }, "forced");
        Assert.Equal((first.Progress.TotalNodes, 0), (forced.Progress.Computed, forced.Progress.SkippedFresh));

        // Reload Oct 25 alone from a season whose other dates differ: only Oct 25 takes the new rows.
        var date = new DateOnly(2021, 10, 25);
        var other = VersionFixtures.WithOneStatCorrected(date);
        other = other with { BoxScores = other.BoxScores.Select(b => b.GameDate == new DateOnly(2021, 10, 26) ? b with { Pts = b.Pts + 1 } : b).ToList() };
        var versionsBefore = (await w.ReadAsync(TableCatalog.RawVersions, range, RawVersionRow.From, CancellationToken.None)).ToDictionary(v => v.GameDate);
        await w.ReplaceRawAsync(new RawLoad(other, DateRange.Single(date), "one date", TimeProvider.System.GetUtcNow()), CancellationToken.None);
        var versionsAfter = (await w.ReadAsync(TableCatalog.RawVersions, range, RawVersionRow.From, CancellationToken.None)).ToDictionary(v => v.GameDate);
        Assert.Equal(versionsBefore.Keys.Order(), versionsAfter.Keys.Order());
        Assert.All(versionsAfter, kv => Assert.Equal(kv.Key != date, kv.Value.ContentVersion == versionsBefore[kv.Key].ContentVersion));
        Assert.Equal(versionsBefore[date].ScheduleVersion, versionsAfter[date].ScheduleVersion); // a stat is not the schedule
        var box = await w.ReadAsync(TableCatalog.RawBoxScores, range, Raw.RawBoxScore.From, CancellationToken.None);
        Assert.Equal(Fixtures.BundledSeason.BoxScores.Count(b => range.Contains(b.GameDate)), box.Count);
        Assert.Equal(Fixtures.BundledSeason.BoxScores.Where(b => b.GameDate == new DateOnly(2021, 10, 26)).Sum(b => b.Pts),
            box.Where(b => b.GameDate == new DateOnly(2021, 10, 26)).Sum(b => b.Pts));
        var stale = await StaleRuns.FindAsync(w, range, ProcessorIds.All, CodeVersions.Declared, CancellationToken.None);
        Assert.Equal([(ProcessorId.PGS, date)], stale.Select(s => (s.Processor, s.Date)));
    }

    private static async Task<Dictionary<(ProcessorId, DateOnly), string>> OutputVersionsAsync(IWarehouse w) =>
        (await w.ReadAsync(TableCatalog.NodeVersions, Fixtures.Season2021, NodeVersionRow.From, CancellationToken.None))
        .ToDictionary(n => (n.Processor, n.TargetDate), n => n.OutputVersion);
}
