using NbaBackfill.Calendar;
using NbaBackfill.Engines;
using NbaBackfill.Orchestration;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse.BigQuery.Emulator;
using NbaBackfill.Warehouse.DuckDb;
using Xunit.Abstractions;

namespace NbaBackfill.Warehouse.BigQuery.Tests;

/// <summary>The orchestrated backfill, unchanged, on the BigQuery warehouse (against the fake).</summary>
[Collection("durable hosts")]
public sealed class OrchestratedBackfillTests(ITestOutputHelper output)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static async Task<BackfillOutcome> BackfillAsync(IWarehouse warehouse, BackfillRequest request)
    {
        await using var engine = await InProcessEngine.StartAsync(warehouse, TimeProvider.System);
        return await new BackfillRunner(engine, warehouse, TimeProvider.System).RunAsync(request, "season-run", null, Ct);
    }

    /// <summary>Failures without their run id and timestamps (which differ between two runs by design).</summary>
    private static async Task<string[]> FailureFactsAsync(IWarehouse warehouse, DateRange range)
    {
        var facts = new List<string>();
        foreach (var table in new[] { TableCatalog.AnalyticsFailures, TableCatalog.PrecomputeFailures })
        {
            var keep = table.ColumnNames.Select((c, i) => (c, i)).Where(x => x.c is not ("run_id" or "created_at" or "resolved_at")).Select(x => x.i).ToArray();
            facts.AddRange((await warehouse.ReadAllAsync(table, range, Ct)).Select(r => string.Join("|", keep.Select(i => CsvExport.Format(r[i])))));
        }
        return facts.Order(StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public async Task The_full_season_backfill_gives_identical_tables_on_DuckDB_and_on_BigQuery()
    {
        var request = new BackfillRequest(Fixtures.Season2021.From, Fixtures.Season2021.To, ProcessorIds.All);
        var dir = Directory.CreateTempSubdirectory("nba-parity-");
        try
        {
            await using var duck = await DuckDbWarehouse.OpenAsync(Path.Combine(dir.FullName, "season.duckdb"));
            await using var bed = await BigQueryTestbed.StartAsync();
            var outcomes = new List<BackfillOutcome>();
            foreach (var warehouse in new IWarehouse[] { duck, bed.Warehouse })
            {
                await warehouse.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, Ct);
                outcomes.Add(await BackfillAsync(warehouse, request));
            }

            Assert.All(outcomes, o => Assert.Equal(RunStatus.Completed, o.Status));
            Assert.Equal(outcomes[0].Reconciliation, outcomes[1].Reconciliation);
            Assert.All(outcomes[1].Reconciliation, r => Assert.Equal((0, 0, 0), (r.Unaccounted, r.Orphans, r.Both)));
            Assert.Equal(26_039, outcomes[1].Reconciliation.Single(r => r.Processor == ProcessorId.PGS).HasRecord);

            var outputs = ProcessorIds.All.Select(TableCatalog.OutputOf).ToList();
            var onDuck = await BigQueryTestbed.ExportAsync(duck, Fixtures.Season2021, outputs);
            var onBigQuery = await BigQueryTestbed.ExportAsync(bed.Warehouse, Fixtures.Season2021, outputs);
            foreach (var table in outputs)
            {
                Assert.True(onDuck[table.Name] == onBigQuery[table.Name],
                    $"{table.Name} differs: duckdb {BigQueryTestbed.Digest(onDuck[table.Name])} vs bigquery {BigQueryTestbed.Digest(onBigQuery[table.Name])}");
            }
            Assert.Equal(await FailureFactsAsync(duck, Fixtures.Season2021), await FailureFactsAsync(bed.Warehouse, Fixtures.Season2021));
            Assert.Empty(bed.Fake.Violations);
            // Every statement of the season's backfill was valid GoogleSQL with the right types, by Google's analyzer.
            Assert.True(bed.Fake.Store.AnalyzedStatements > 100, $"{bed.Fake.Store.AnalyzedStatements} statements analyzed");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_twenty_season_backfill_fits_the_daily_table_modification_quota()
    {
        await using var bed = await BigQueryTestbed.StartAsync();
        const int seasons = 20, days = 165;
        for (var year = 2001; year < 2001 + seasons; year++)
        {
            var label = $"{year}-{(year + 1) % 100:00}";
            var season = MiniSeason.Daily(label, new DateOnly(year, 10, 25), days).Parse();
            await bed.Warehouse.ReplaceRawSeasonAsync(season, "synthetic", Fixtures.Stamp.CreatedAt, Ct);
        }
        var all = new DateRange(new DateOnly(2001, 10, 25), new DateOnly(2001 + seasons, 6, 30));

        var outcome = await BackfillAsync(bed.Warehouse, new BackfillRequest(all.From, all.To, ProcessorIds.All));

        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.Equal(seasons * days * 6, outcome.Progress.TotalNodes); // 19,800 (processor, date) nodes
        Assert.All(outcome.Reconciliation, r => Assert.Equal(0, r.Unaccounted));
        // One modification per date would be 3,300 per output table, over the 1,500 a day: batching is what makes it fit.
        var busiest = bed.Fake.Store.Modifications.MaxBy(m => m.Value);
        foreach (var (table, count) in bed.Fake.Store.Modifications.Where(m => !m.Key.Contains("_staging_", StringComparison.Ordinal)).OrderByDescending(m => m.Value))
        {
            output.WriteLine($"{table}: {count} modifications");
        }
        Assert.InRange(busiest.Value, 1, FakeBigQueryStore.DailyTableModificationLimit);
        foreach (var p in ProcessorIds.All)
        {
            // Two per batch (DELETE + INSERT), and batches hold many dates.
            Assert.InRange(bed.Fake.Store.Modifications[$"nba.{TableCatalog.OutputOf(p).Name}"], 1, seasons * days / 50);
        }
        Assert.True(seasons * days > FakeBigQueryStore.DailyTableModificationLimit);
        Assert.Empty(bed.Fake.Violations);
    }
}
