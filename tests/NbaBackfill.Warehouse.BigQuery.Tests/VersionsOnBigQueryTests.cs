using NbaBackfill.Calendar;
using NbaBackfill.Engines;
using NbaBackfill.Orchestration;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse.BigQuery.Emulator;
using NbaBackfill.Versions;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Warehouse.BigQuery.Tests;

/// <summary>The version proofs on the BigQuery adapter (the fake, every statement judged by ZetaSQL).</summary>
[Collection("durable hosts")]
public sealed class VersionsOnBigQueryTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateRange Range = new(new DateOnly(2021, 10, 19), new DateOnly(2021, 11, 15));
    private static readonly DateOnly Corrected = new(2021, 11, 5);
    private static BackfillRequest Request => new(Range.From, Range.To, ProcessorIds.All);

    private static async Task<BackfillOutcome> RunAsync(IWarehouse warehouse, string runId, CodeVersions? code = null)
    {
        await using var engine = await InProcessEngine.StartAsync(warehouse, TimeProvider.System, code: code);
        return await new BackfillRunner(engine, warehouse, TimeProvider.System).RunAsync(Request, runId, null, Ct);
    }

    [Fact]
    public async Task A_corrected_stat_and_a_code_bump_recompute_only_what_changed_and_match_a_fresh_DuckDB_backfill()
    {
        await using var bed = await BigQueryTestbed.StartAsync();
        var w = bed.Warehouse;
        await w.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, Ct);
        var first = await RunAsync(w, "first");
        Assert.Equal(RunStatus.Completed, first.Status);
        Assert.Equal((0, first.Progress.TotalNodes), ((await RunAsync(w, "unchanged")).Progress.Computed, first.Progress.TotalNodes));

        // A corrected stat: exactly its PGS node is stale; the run recomputes it and what its changes reach.
        var corrected = VersionFixtures.WithOneStatCorrected(Corrected);
        await w.ReplaceRawSeasonAsync(corrected, "corrected", TimeProvider.System.GetUtcNow(), Ct);
        var stale = await StaleRuns.FindAsync(w, Range, ProcessorIds.All, CodeVersions.Declared, Ct);
        Assert.Equal([(ProcessorId.PGS, Corrected, $"raw {DateRange.Format(Corrected)} changed")], stale.Select(s => (s.Processor, s.Date, Assert.Single(s.Reasons))));
        var rerun = await RunAsync(w, "after-correction");
        Assert.InRange(rerun.Progress.Computed, 1, first.Progress.TotalNodes - 1);

        var dir = Directory.CreateTempSubdirectory("nba-bq-versions-");
        try
        {
            await using var duck = await DuckDbWarehouse.OpenAsync(Path.Combine(dir.FullName, "fresh.duckdb"));
            await duck.ReplaceRawSeasonAsync(corrected, "corrected", Fixtures.Stamp.CreatedAt, Ct);
            Assert.Equal(RunStatus.Completed, (await RunAsync(duck, "fresh")).Status);
            Assert.Equal(await VersionFixtures.ContentAsync(duck, Range), await VersionFixtures.ContentAsync(w, Range));
        }
        finally
        {
            dir.Delete(recursive: true);
        }

        // A code bump of PCF with the same logic: its nodes only.
        var bumped = CodeVersions.Declared.With(ProcessorId.PCF, ProcessorIds.CodeVersion(ProcessorId.PCF) + 1);
        var before = await VersionFixtures.ContentAsync(w, Range);
        var pcf = (await StaleRuns.FindAsync(w, Range, ProcessorIds.All, bumped, Ct)).ToList();
        Assert.NotEmpty(pcf);
        Assert.All(pcf, s => Assert.Equal(ProcessorId.PCF, s.Processor));
        var bump = await RunAsync(w, "bumped", bumped);
        Assert.Equal(pcf.Count, bump.Progress.Computed);
        Assert.Equal(before, await VersionFixtures.ContentAsync(w, Range));
        Assert.Empty(bed.Fake.Violations);
    }
}
