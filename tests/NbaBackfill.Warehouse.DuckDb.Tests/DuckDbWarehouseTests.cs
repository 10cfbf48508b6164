using System.Security.Cryptography;
using System.Text;
using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Reconciliation;
using NbaBackfill.Tables;

namespace NbaBackfill.Warehouse.DuckDb.Tests;

public sealed class DuckDbWarehouseTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nba-duckdb-" + Path.GetRandomFileName());
    private DuckDbWarehouse _warehouse = null!;

    public async Task InitializeAsync() => _warehouse = await DuckDbWarehouse.OpenAsync(Path.Combine(_dir, "w.duckdb"));

    public async Task DisposeAsync()
    {
        await _warehouse.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task RunAllAsync(DateRange range, RunStamp stamp)
    {
        foreach (var p in ProcessorIds.All) await ProcessorRunner.RunAsync(p, _warehouse, range, stamp, CancellationToken.None);
    }

    private async Task<string> ChecksumAsync()
    {
        using var sha = SHA256.Create();
        var sb = new StringBuilder();
        foreach (var table in TableCatalog.All)
        {
            await using var writer = new StringWriter();
            var rows = await _warehouse.ReadAllAsync(table, null, CancellationToken.None);
            // A node's version row says who computed it last and when (run_id, computed_at); what it holds, and when
            // its output last changed, must not move.
            var skipped = table == TableCatalog.NodeVersions ? new[] { table.IndexOf("run_id"), table.IndexOf("computed_at") } : [];
            rows = rows.Select(r => r.Select((v, i) => skipped.Contains(i) ? null : v).ToArray()).ToList();
            await CsvExport.WriteAsync(table, rows, writer);
            sb.Append(table.Name).Append(':').Append(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(writer.ToString())))).Append('\n');
        }
        return sb.ToString();
    }

    [Fact]
    public async Task Typed_reads_give_the_rows_a_boxed_read_gives_for_every_table_processors_read()
    {
        // The bundled season has what the typed path must carry exactly: nulls (rates of players without attempts), NaN features,
        // arrays, timestamps, failures on every processor.
        await _warehouse.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        await RunAllAsync(Fixtures.Season2021, Fixtures.Stamp);
        var compared = new List<(string, int)>
        {
            await SameRowsAsync(RawGame.Table), await SameRowsAsync(RawBoxScore.Table), await SameRowsAsync(RawShotZone.Table),
            await SameRowsAsync(RawReject.Table), await SameRowsAsync(PgsRow.Table), await SameRowsAsync(PszaRow.Table),
            await SameRowsAsync(TdzaRow.Table), await SameRowsAsync(PcfRow.Table), await SameRowsAsync(PdcRow.Table),
            await SameRowsAsync(MlfsRow.Table), await SameRowsAsync(FailureRecord.Analytics), await SameRowsAsync(FailureRecord.Precompute),
            await SameRowsAsync(Versions.RawVersionRow.Table), await SameRowsAsync(Versions.NodeVersionRow.Table),
        };
        // The bundled season has no shot-zone file and no rejected rows, and PGS fails no player in it (the mini seasons
        // of the processor tests cover those through the same path).
        string[] emptyHere = ["raw_player_shot_zones", "raw_rejects", "analytics_failures"];
        Assert.All(compared, c => Assert.True(c.Item2 > 0 != emptyHere.Contains(c.Item1), $"{c.Item1}: {c.Item2} rows"));
        Assert.Contains(await _warehouse.ReadRowsAsync(PszaRow.Table, Fixtures.Season2021, CancellationToken.None), r => r.TwoPtPct is null);
        Assert.Contains(await _warehouse.ReadRowsAsync(MlfsRow.Table, Fixtures.Season2021, CancellationToken.None), r => r.Features.Any(double.IsNaN));
        // Processed nodes are read for the processors asked about only: each processor's game dates (PGS's from its rows,
        // PSZA's from rows or failures alike), nothing of the others.
        var processed = await _warehouse.ReadProcessedNodesAsync(Fixtures.Season2021, [ProcessorId.PGS, ProcessorId.PSZA], CancellationToken.None);
        Assert.Equal((165, 165), (processed.Count(n => n.Processor == ProcessorId.PGS), processed.Count(n => n.Processor == ProcessorId.PSZA)));
        Assert.Equal(2 * 165, processed.Count);
        Assert.Equal(6 * 165, (await _warehouse.ReadProcessedNodesAsync(Fixtures.Season2021, ProcessorIds.All, CancellationToken.None)).Count);
        Assert.Empty(await _warehouse.ReadProcessedNodesAsync(Fixtures.Season2021, [], CancellationToken.None));
        // Reconciliation's keys are read typed too: the (date, entity) pairs, numeric ids as text, a projected read gives.
        foreach (var (table, entity, distinct) in new[] { (TableCatalog.RawBoxScores, "player_id", true), (PgsRow.Schema, "player_id", false),
                     (TdzaRow.Schema, "team_abbr", false), (MlfsRow.Schema, "player_id", false) })
        {
            IWarehouseReader reader = _warehouse;
            var typedKeys = await reader.ReadKeysAsync(table, Fixtures.Season2021, entity, distinct, CancellationToken.None);
            Assert.Equal((await _warehouse.ReadKeysByColumnsAsync(table, Fixtures.Season2021, entity, distinct, CancellationToken.None)).Order(), typedKeys.Order());
            Assert.True(typedKeys.Count > 2000, $"{table.Name}: {typedKeys.Count} keys");
        }
        foreach (var p in ProcessorIds.All)
        {
            IWarehouseReader reader = _warehouse;
            var byColumns = await _warehouse.ReadUnresolvedFailureKeysByColumnsAsync(TableCatalog.FailuresOf(p), p, Fixtures.Season2021, CancellationToken.None);
            Assert.Equal(byColumns.Order(), (await reader.ReadUnresolvedFailureKeysAsync(TableCatalog.FailuresOf(p), p, Fixtures.Season2021, CancellationToken.None)).Order());
            Assert.True(byColumns.Count > 0 || p == ProcessorId.PGS, $"{p}: no open failures to compare");
        }
        // A processor's open failures are read typed as well: the records a boxed read of its failure table gives.
        foreach (var p in ProcessorIds.All)
        {
            var table = TableCatalog.FailureRowsOf(p);
            var boxed = (await _warehouse.ReadAsync(table.Schema, Fixtures.Season2021, table.From, CancellationToken.None)).Where(f => f.ProcessorName == p && f.IsUnresolved);
            var typed = await _warehouse.ReadUnresolvedFailuresAsync(p, Fixtures.Season2021, CancellationToken.None);
            Assert.Equal(boxed.Select(f => string.Join("|", table.ToValues(f).Select(CsvExport.Format))), typed.Select(f => string.Join("|", table.ToValues(f).Select(CsvExport.Format))));
            Assert.True(typed.Count > 0 || p == ProcessorId.PGS, $"{p}: no open failures to compare");
        }
    }

    private async Task<(string Table, int Rows)> SameRowsAsync<TRow>(TableSchema<TRow> table)
    {
        IWarehouseReader reader = _warehouse;
        var typed = await reader.ReadRowsAsync(table, Fixtures.Season2021, CancellationToken.None);
        var boxed = await _warehouse.ReadAsync(table.Schema, Fixtures.Season2021, table.From, CancellationToken.None);
        string Line(TRow row) => string.Join("|", table.ToValues(row).Select(CsvExport.Format));
        Assert.Equal(boxed.Select(Line), typed.Select(Line));
        return (table.Schema.Name, typed.Count);
    }

    [Fact]
    public async Task An_output_and_the_rows_that_say_it_is_there_land_together_or_not_at_all()
    {
        var ct = CancellationToken.None;
        await _warehouse.ReplaceRawSeasonAsync(MiniSeason.Daily(3).Parse(), "mini", Fixtures.Stamp.CreatedAt, ct);
        var day = DateRange.Single(MiniSeason.Day1);
        var computed = await ProcessorRunner.ComputeAsync(ProcessorId.PGS, _warehouse, day, Fixtures.Stamp, ct);
        var now = Fixtures.Stamp.CreatedAt;
        var version = new Versions.NodeVersionRow(ProcessorId.PGS, MiniSeason.Day1, 1, "raw", "upstream", "output", "run", now, now);
        IWarehouseReader reader = _warehouse;

        // The version rows cannot be made (the hash failed, the process is stopping): the output written before them
        // in the same transaction is not there either.
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _warehouse.ReplaceOutputAsync(computed, now, () => throw new InvalidOperationException("no versions"), ct));
        Assert.Empty(await reader.ReadRowsAsync(PgsRow.Table, day, ct));
        Assert.Empty(await reader.ReadRowsAsync(Versions.NodeVersionRow.Table, day, ct));

        await _warehouse.ReplaceOutputAsync(computed, now, () => Task.FromResult<IReadOnlyList<TableRows>>([new(TableCatalog.NodeVersions, [version])]), ct);
        Assert.Equal(8, (await reader.ReadRowsAsync(PgsRow.Table, day, ct)).Count);
        Assert.Equal("output", Assert.Single(await reader.ReadRowsAsync(Versions.NodeVersionRow.Table, day, ct)).OutputVersion);
    }

    [Fact]
    public async Task Full_season_loads_processes_and_reconciles_clean_and_a_rerun_is_byte_identical()
    {
        await _warehouse.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        await RunAllAsync(Fixtures.Season2021, Fixtures.Stamp);
        var report = await ReconciliationReader.ReconcileAsync(_warehouse, Fixtures.Season2021, ProcessorIds.All, CancellationToken.None);
        Assert.All(report, r => Assert.True(r.Totals.IsClean, $"{r.Processor}: {r.Totals}"));
        Assert.Equal([26039, 20634, 2160, 20546, 11887, 11887], report.Select(r => r.Totals.HasRecord));

        var first = await ChecksumAsync();
        // A second run (another run id, later) of every node leaves every table byte-identical.
        await RunAllAsync(Fixtures.Season2021, Fixtures.Stamp with { RunId = "rerun", CreatedAt = Fixtures.Stamp.CreatedAt.AddDays(1) });
        Assert.Equal(first, await ChecksumAsync());

        // Values survive the round trip through DuckDB exactly as computed in memory.
        var inMemory = BundledPipeline.Result;
        foreach (var p in ProcessorIds.All)
        {
            var table = TableCatalog.OutputOf(p);
            await using var a = new StringWriter();
            await using var b = new StringWriter();
            await CsvExport.WriteAsync(table, await _warehouse.ReadAllAsync(table, null, CancellationToken.None), a);
            var keyed = inMemory.Rows(table).OrderBy(r => string.Join("|", table.Key.Select(k => SortKey(r[table.IndexOf(k)]))), StringComparer.Ordinal);
            await CsvExport.WriteAsync(table, keyed, b);
            Assert.Equal(b.ToString(), a.ToString());
        }
    }

    private static string SortKey(object? v) => v is long l ? l.ToString("D12", System.Globalization.CultureInfo.InvariantCulture) : CsvExport.Format(v);

    [Fact]
    public async Task Rerun_after_fixing_a_data_gap_resolves_the_failures()
    {
        var range = new DateRange(MiniSeason.Day1, MiniSeason.Day1.AddDays(13));
        var gap = MiniSeason.Daily(14, (day, player) => day is 11 or 12 && player is 11 or 12).Parse();
        await _warehouse.ReplaceRawSeasonAsync(gap, "gap", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        await RunAllAsync(range, Fixtures.Stamp);
        var day13 = MiniSeason.Day1.AddDays(13);
        var before = await _warehouse.ReadUnresolvedFailuresAsync(ProcessorId.PDC, DateRange.Single(day13), CancellationToken.None);
        Assert.Equal([FailureType.DataGap, FailureType.DataGap], before.Where(f => f.EntityId is "11" or "12").Select(f => f.FailureType));

        var fixedAt = Fixtures.Stamp.CreatedAt.AddHours(2);
        await _warehouse.ReplaceRawSeasonAsync(MiniSeason.Daily(14).Parse(), "fixed", fixedAt, CancellationToken.None);
        await RunAllAsync(range, Fixtures.Stamp with { RunId = "retry", CreatedAt = fixedAt });

        var after = await _warehouse.ReadUnresolvedFailuresAsync(ProcessorId.PDC, DateRange.Single(day13), CancellationToken.None);
        Assert.DoesNotContain(after, f => f.EntityId is "11" or "12");
        var resolved = (await _warehouse.ReadAllAsync(TableCatalog.PrecomputeFailures, DateRange.Single(day13), CancellationToken.None))
            .Select(r => FailureRecord.From(new Row(r))).Where(f => f.ProcessorName == ProcessorId.PDC && f.EntityId is "11" or "12").ToList();
        Assert.Equal(2, resolved.Count);
        Assert.All(resolved, f => Assert.Equal((ResolutionStatus.Resolved, fixedAt), (f.ResolutionStatus, f.ResolvedAt!.Value)));
        // Reconciliation's typed key read leaves the resolved ones out, as the projected read filtered in memory does.
        IWarehouseReader reader = _warehouse;
        var typedKeys = await reader.ReadUnresolvedFailureKeysAsync(TableCatalog.PrecomputeFailures, ProcessorId.PDC, range, CancellationToken.None);
        Assert.Equal((await _warehouse.ReadUnresolvedFailureKeysByColumnsAsync(TableCatalog.PrecomputeFailures, ProcessorId.PDC, range, CancellationToken.None)).Order(), typedKeys.Order());
        Assert.DoesNotContain(typedKeys, k => k.Date == day13 && k.Entity is "11" or "12");
        Assert.NotEmpty(typedKeys);
        var report = await ReconciliationReader.ReconcileAsync(_warehouse, range, ProcessorIds.All, CancellationToken.None);
        Assert.All(report, r => Assert.True(r.Totals.IsClean));
    }

    [Fact]
    public async Task A_rejected_raw_row_is_expected_of_PGS_once_and_accounted_by_its_failure()
    {
        // Player 99's row is malformed: PGS is expected to account for him too (by a failure), once, beside the box
        // scores' own players (whose typed key read is distinct already; only rejected rows go through a set).
        var mini = MiniSeason.Daily(3);
        mini.AppendRawBoxLine($"{mini.GameIds[0]},2030-10-20,{MiniSeason.Season},1,AAA,BBB,true,99,Bad Row,30,5,10,2,11,1,2,2,3,5,3,1,0,2,3,13,0");
        var season = mini.Parse();
        Assert.Single(season.Rejects);
        await _warehouse.ReplaceRawSeasonAsync(season, "mini", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        var range = new DateRange(MiniSeason.Day1, MiniSeason.Day1.AddDays(2));
        await RunAllAsync(range, Fixtures.Stamp);
        var expected = await Population.RawPlayers.Read(_warehouse, range, CancellationToken.None);
        Assert.Equal(season.BoxScores.Count + 1, expected.Count);
        Assert.Contains((MiniSeason.Day1, "99", EntityType.Player), expected);
        var pgs = Assert.Single(await ReconciliationReader.ReconcileAsync(_warehouse, range, [ProcessorId.PGS], CancellationToken.None));
        Assert.True(pgs.Totals.IsClean, pgs.Totals.ToString());
        Assert.Equal((season.BoxScores.Count + 1, 1), (pgs.Totals.Expected, pgs.Totals.HasFailure));
    }

    [Fact]
    public async Task A_failed_replace_leaves_the_previous_partition_untouched()
    {
        var season = MiniSeason.Daily(2).Parse();
        await _warehouse.ReplaceRawSeasonAsync(season, "mini", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        var range = new DateRange(MiniSeason.Day1, MiniSeason.Day1.AddDays(1));
        await ProcessorRunner.RunAsync(ProcessorId.PGS, _warehouse, range, Fixtures.Stamp, CancellationToken.None);
        var before = await ChecksumAsync();

        // A row whose NOT NULL column is null makes the insert fail after the delete ran inside the transaction.
        var good = await ProcessorRunner.ComputeAsync(ProcessorId.PGS, _warehouse, range, Fixtures.Stamp, CancellationToken.None);
        var broken = good with { Rows = [.. good.Rows.Skip(1), (PgsRow)good.Rows[0] with { PlayerName = null! }] };
        await Assert.ThrowsAnyAsync<Exception>(() => _warehouse.ReplaceOutputAsync(broken, Fixtures.Stamp.CreatedAt, CancellationToken.None));
        Assert.Equal(before, await ChecksumAsync());
    }

    [Fact]
    public async Task Upsert_replaces_by_key_and_counts_by_date()
    {
        await _warehouse.ReplaceRawSeasonAsync(MiniSeason.Daily(3).Parse(), "mini", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        var counts = await _warehouse.CountByDateAsync(TableCatalog.RawBoxScores, new DateRange(MiniSeason.Day1, MiniSeason.Day1.AddDays(5)), CancellationToken.None);
        Assert.Equal([8, 8, 8], counts.OrderBy(kv => kv.Key).Select(kv => kv.Value));

        var season = MiniSeason.Daily(3).Parse();
        await _warehouse.UpsertAsync(TableCatalog.RawTeams, [new RawTeam(1, "AAA", "Renamed")], CancellationToken.None);
        var teams = await _warehouse.ReadAllAsync(TableCatalog.RawTeams, null, CancellationToken.None);
        Assert.Equal(4, teams.Count);
        Assert.Equal("Renamed", teams.Single(t => (long)t[0]! == 1)[2]);
        Assert.Equal(3, season.GameDates.Count);
    }

    [Fact]
    public async Task Upserts_of_a_few_rows_and_of_many_replace_exactly_their_keys()
    {
        // Two-column keys; a few rows take the delete-by-value path, many the staging table: the same table either way.
        var day = MiniSeason.Day1;
        Versions.NodeVersionRow Node(ProcessorId p, int d, string output) =>
            new(p, day.AddDays(d), 1, "raw", "up", output, "run", Fixtures.Stamp.CreatedAt, Fixtures.Stamp.CreatedAt);
        var many = ProcessorIds.All.SelectMany(p => Enumerable.Range(0, 10).Select(d => Node(p, d, "v1"))).ToList();
        await _warehouse.UpsertAsync(TableCatalog.NodeVersions, many, CancellationToken.None);
        await _warehouse.UpsertAsync(TableCatalog.NodeVersions, [Node(ProcessorId.PGS, 3, "v2"), Node(ProcessorId.PDC, 3, "v2"), Node(ProcessorId.PGS, 11, "v2")], CancellationToken.None);
        await _warehouse.UpsertAsync(TableCatalog.NodeVersions, Enumerable.Range(0, 40).Select(d => Node(ProcessorId.MLFS, d, "v3")).ToList(), CancellationToken.None);

        var stored = (await ((IWarehouseReader)_warehouse).ReadRowsAsync(Versions.NodeVersionRow.Table, new DateRange(day, day.AddDays(40)), CancellationToken.None))
            .ToDictionary(n => (n.Processor, n.TargetDate.DayNumber - day.DayNumber), n => n.OutputVersion);
        Assert.Equal(5 * 10 + 1 + 40, stored.Count);
        Assert.Equal(("v2", "v2", "v2", "v1", "v1"), (stored[(ProcessorId.PGS, 3)], stored[(ProcessorId.PDC, 3)], stored[(ProcessorId.PGS, 11)], stored[(ProcessorId.PGS, 4)], stored[(ProcessorId.PCF, 3)]));
        Assert.All(Enumerable.Range(0, 40), d => Assert.Equal("v3", stored[(ProcessorId.MLFS, d)]));
    }

    [Fact]
    public async Task A_file_with_another_schema_is_refused_with_a_clear_message()
    {
        var path = Path.Combine(_dir, "old.duckdb");
        await using (var old = await DuckDbWarehouse.OpenAsync(path))
        {
            await old.UpsertAsync(TableCatalog.RawTeams, [new RawTeam(1, "AAA", "A")], CancellationToken.None);
        }
        using (var conn = new DuckDB.NET.Data.DuckDBConnection($"Data Source={path}"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "ALTER TABLE player_game_summary ADD COLUMN legacy VARCHAR";
            cmd.ExecuteNonQuery();
        }
        var e = await Assert.ThrowsAsync<WarehouseException>(() => DuckDbWarehouse.OpenAsync(path));
        Assert.Contains("table player_game_summary", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_waits_for_a_read_in_flight_and_later_calls_are_refused()
    {
        // An activity abandoned by a terminated run can still be reading when its host shuts down: the file must not
        // close (and be reopened by that read) under it.
        var own = await DuckDbWarehouse.OpenAsync(Path.Combine(_dir, "own", "w.duckdb"));
        await own.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        using var inside = new SemaphoreSlim(0);
        using var gate = new ManualResetEventSlim();
        var read = Task.Run(() => own.ReadAsync(TableCatalog.RawGames, Fixtures.Season2021, row =>
        {
            inside.Release();
            gate.Wait();
            return row.Values.Length;
        }, CancellationToken.None));
        await inside.WaitAsync();

        var dispose = own.DisposeAsync().AsTask();
        await Task.Delay(200);
        Assert.False(dispose.IsCompleted, "the warehouse closed under a read in flight");
        gate.Set();
        Assert.Equal(1230, (await read).Count);
        await dispose;
        await Assert.ThrowsAsync<ObjectDisposedException>(() => own.ReadAllAsync(TableCatalog.RawGames, null, CancellationToken.None));
    }
}
