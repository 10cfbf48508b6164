using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse.BigQuery.Emulator;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Warehouse.BigQuery.Tests;

/// <summary>The adapter against the fake BigQuery: schema, round trips, idempotent replaces, paging, polling.</summary>
public sealed class BigQueryWarehouseTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateRange FirstWeeks = new(new DateOnly(2021, 10, 19), new DateOnly(2021, 11, 8));

    [Fact]
    public async Task Opening_signs_in_with_the_service_account_and_creates_the_dataset_and_every_table_as_declared()
    {
        await using var bed = await BigQueryTestbed.StartAsync();

        Assert.Empty(bed.Fake.Violations);
        Assert.Equal(1, bed.Fake.RequestCount("POST", "/token"));
        foreach (var table in TableCatalog.All)
        {
            var created = bed.Fake.Store.GetTable("nba", table.Name)!;
            var expected = BigQuerySchemas.TableResource(FakeBigQueryServer.Project, "nba", table);
            Assert.Equal(expected.ToJsonString(), created.ToJsonString());
        }
        Assert.Equal("DAY", bed.Fake.Store.GetTable("nba", "player_game_summary")!["timePartitioning"]!["type"]!.GetValue<string>());

        // Opening again finds everything in place and creates nothing.
        var tokens = await GoogleAccessTokenSource.CreateAsync(bed.Fake.ServiceAccountJson("second@nba-test-project.iam.gserviceaccount.com"));
        await using var again = await BigQueryWarehouse.OpenAsync(BigQueryTestbed.OptionsFor(bed.Fake), tokens, TimeProvider.System);
        Assert.Equal(TableCatalog.All.Count, bed.Fake.RequestCount("POST", "/datasets/nba/tables"));
    }

    [Fact]
    public async Task A_table_with_other_columns_is_refused_with_its_name()
    {
        await using var fake = await FakeBigQueryServer.StartAsync();
        fake.Store.CreateDataset("nba");
        var odd = BigQuerySchemas.TableResource(FakeBigQueryServer.Project, "nba", TableCatalog.RawTeams with { Columns = [new Column("team_id", ColumnType.Int64)] });
        fake.Store.CreateTable("nba", odd);
        var tokens = await GoogleAccessTokenSource.CreateAsync(fake.ServiceAccountJson());

        var e = await Assert.ThrowsAsync<WarehouseException>(() => BigQueryWarehouse.OpenAsync(BigQueryTestbed.OptionsFor(fake), tokens, TimeProvider.System));
        Assert.Contains("raw_teams", e.Message);
    }

    [Fact]
    public async Task Processors_on_BigQuery_give_the_same_tables_as_on_DuckDB_and_reruns_replace_instead_of_appending()
    {
        await using var bed = await BigQueryTestbed.StartAsync();
        var dir = Directory.CreateTempSubdirectory("nba-bq-");
        try
        {
            await using var duck = await DuckDbWarehouse.OpenAsync(Path.Combine(dir.FullName, "w.duckdb"));
            foreach (var w in new IWarehouse[] { duck, bed.Warehouse })
            {
                await w.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, Ct);
                foreach (var p in ProcessorIds.All) await ProcessorRunner.RunAsync(p, w, FirstWeeks, Fixtures.Stamp, Ct);
            }
            var tables = ProcessorIds.All.Select(TableCatalog.OutputOf).Concat([TableCatalog.AnalyticsFailures, TableCatalog.PrecomputeFailures]).ToList();
            var onDuck = await BigQueryTestbed.ExportAsync(duck, FirstWeeks, tables);
            var onBigQuery = await BigQueryTestbed.ExportAsync(bed.Warehouse, FirstWeeks, tables);
            foreach (var table in tables) Assert.Equal(onDuck[table.Name], onBigQuery[table.Name]);
            Assert.Contains("NaN", onBigQuery["ml_feature_store_v2"]); // features that cannot be computed survive the round trip
            Assert.True(onBigQuery["player_game_summary"].Split('\n').Length > 2_000);

            // Raw tables too: the loader's rows come back as they went in.
            foreach (var raw in new[] { TableCatalog.RawGames, TableCatalog.RawBoxScores, TableCatalog.RawSeasons, TableCatalog.RawTeams })
            {
                var range = new DateRange(new DateOnly(2021, 10, 1), new DateOnly(2022, 6, 30));
                Assert.Equal((await BigQueryTestbed.ExportAsync(duck, range, [raw]))[raw.Name], (await BigQueryTestbed.ExportAsync(bed.Warehouse, range, [raw]))[raw.Name]);
            }

            // A second run over the same dates replaces partitions: identical tables, nothing appended.
            foreach (var p in ProcessorIds.All) await ProcessorRunner.RunAsync(p, bed.Warehouse, FirstWeeks, Fixtures.Stamp, Ct);
            await bed.Warehouse.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, Ct);
            Assert.Equal(onBigQuery, await BigQueryTestbed.ExportAsync(bed.Warehouse, FirstWeeks, tables));
            Assert.Empty(bed.Fake.Violations);
            Assert.DoesNotContain(bed.Fake.Store.TableNames, t => t.Contains("_staging_", StringComparison.Ordinal)); // staging dropped
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Reads_follow_pages_and_poll_unfinished_queries()
    {
        await using var bed = await BigQueryTestbed.StartAsync(o => o with { PageSize = 97 });
        await bed.Warehouse.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, Ct);
        bed.Fake.QueryPendingPolls = 2;

        var week = new DateRange(new DateOnly(2021, 10, 19), new DateOnly(2021, 10, 25));
        var rows = await bed.Warehouse.ReadAsync(TableCatalog.RawBoxScores, week, r => r.Values, Ct);
        var expected = Fixtures.BundledSeason.BoxScores.Count(b => week.Contains(b.GameDate));

        Assert.Equal(expected, rows.Count);
        Assert.True(bed.Fake.RequestCount("GET", "pageToken=") >= expected / 97);
        Assert.True(bed.Fake.RequestCount("GET", "/queries/") > expected / 97 + 1); // the unfinished polls came first
        var counts = await bed.Warehouse.CountByDateAsync(TableCatalog.RawBoxScores, week, Ct);
        Assert.Equal(expected, counts.Values.Sum());
    }

    [Fact]
    public async Task Failures_replace_with_rerun_semantics_and_can_be_deleted_by_key()
    {
        await using var bed = await BigQueryTestbed.StartAsync();
        var date = new DateOnly(2021, 10, 19);
        var recorder = new FailureRecorder(ProcessorId.PCF, Fixtures.Stamp);
        recorder.ProcessingError(date, "201939", EntityType.Player, "boom");
        recorder.ProcessingError(date, "203507", EntityType.Player, "boom");
        await bed.Warehouse.ReplaceOutputAsync(new ProcessorResult(ProcessorId.PCF, [date], [], recorder.Records), Fixtures.Stamp.CreatedAt, Ct);
        await bed.Warehouse.ReplaceOutputAsync(new ProcessorResult(ProcessorId.PCF, [date], [], recorder.Records), Fixtures.Stamp.CreatedAt, Ct);

        var unresolved = await bed.Warehouse.ReadUnresolvedFailuresAsync(ProcessorId.PCF, DateRange.Single(date), Ct);
        Assert.Equal(2, unresolved.Count); // the re-run kept the identical records, added none
        Assert.Equal(1, await bed.Warehouse.DeleteFailuresAsync(ProcessorId.PCF, date, "201939", Ct));
        Assert.Single(await bed.Warehouse.ReadUnresolvedFailuresAsync(ProcessorId.PCF, DateRange.Single(date), Ct));
        // Reconciliation's key read, filtered by the job: the key the projected read gives, none of another processor's.
        var keys = await bed.Warehouse.ReadUnresolvedFailureKeysAsync(TableCatalog.PrecomputeFailures, ProcessorId.PCF, DateRange.Single(date), Ct);
        Assert.Equal([(date, "203507")], keys);
        Assert.Equal(await bed.Warehouse.ReadUnresolvedFailureKeysByColumnsAsync(TableCatalog.PrecomputeFailures, ProcessorId.PCF, DateRange.Single(date), Ct), keys);
        Assert.Empty(await bed.Warehouse.ReadUnresolvedFailureKeysAsync(TableCatalog.PrecomputeFailures, ProcessorId.PDC, DateRange.Single(date), Ct));
        // Processed by its failures alone, and read only when PCF is asked about.
        Assert.Contains((ProcessorId.PCF, date), await bed.Warehouse.ReadProcessedNodesAsync(DateRange.Single(date), [ProcessorId.PCF, ProcessorId.PDC], Ct));
        Assert.Empty(await bed.Warehouse.ReadProcessedNodesAsync(DateRange.Single(date), [ProcessorId.PGS, ProcessorId.PDC], Ct));
    }
}
