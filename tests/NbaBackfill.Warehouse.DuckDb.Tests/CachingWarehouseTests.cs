using NbaBackfill.Calendar;
using NbaBackfill.Processors;

namespace NbaBackfill.Warehouse.DuckDb.Tests;

public sealed class CachingWarehouseTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nba-cache-" + Path.GetRandomFileName());
    private CachingWarehouse _warehouse = null!;

    public async Task InitializeAsync() =>
        _warehouse = new CachingWarehouse(await DuckDbWarehouse.OpenAsync(Path.Combine(_dir, "w.duckdb")));

    public async Task DisposeAsync()
    {
        await _warehouse.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Repeated_history_reads_hit_and_a_write_of_the_table_invalidates_them()
    {
        var range = new DateRange(MiniSeason.Day1, MiniSeason.Day1.AddDays(2));
        await _warehouse.ReplaceRawSeasonAsync(MiniSeason.Daily(3).Parse(), "mini", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        Assert.Empty(await _warehouse.ReadAsync(PgsRow.Schema, range, PgsRow.From, CancellationToken.None));
        Assert.Empty(await _warehouse.ReadAsync(PgsRow.Schema, range, PgsRow.From, CancellationToken.None));
        Assert.Equal(1, _warehouse.Hits);

        await ProcessorRunner.RunAsync(ProcessorId.PGS, _warehouse, range, Fixtures.Stamp, CancellationToken.None);
        Assert.Equal(24, (await _warehouse.ReadAsync(PgsRow.Schema, range, PgsRow.From, CancellationToken.None)).Count);

        // Projections are kept apart from whole rows, one per shape.
        string[] calendar = ["season", "game_date", "player_id"];
        var hits = _warehouse.Hits;
        var players = await _warehouse.ReadProjectedAsync(Tables.TableCatalog.RawBoxScores, range, calendar, false, r => r.Values[7], CancellationToken.None);
        var again = await _warehouse.ReadProjectedAsync(Tables.TableCatalog.RawBoxScores, range, calendar, false, r => r.Values[7], CancellationToken.None);
        var teams = await _warehouse.ReadProjectedAsync(Tables.TableCatalog.RawBoxScores, range, ["team_abbr"], true, r => r.Str(4), CancellationToken.None);
        // The second read of a projection hits (the version context reads its calendar keys typed, not as this projection).
        Assert.Equal((24, 4, hits + 1), (again.Count, teams.Count, _warehouse.Hits));
        Assert.Equal(players, again);

        // A reload of the raw season drops cached raw reads too.
        var raw = await _warehouse.ReadAsync(Tables.TableCatalog.RawBoxScores, range, Raw.RawBoxScore.From, CancellationToken.None);
        await _warehouse.ReplaceRawSeasonAsync(MiniSeason.Daily(1).Parse(), "mini", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        Assert.Equal((24, 8), (raw.Count, (await _warehouse.ReadAsync(Tables.TableCatalog.RawBoxScores, range, Raw.RawBoxScore.From, CancellationToken.None)).Count));
    }

    [Fact]
    public async Task Typed_history_rows_are_one_shared_copy_until_a_write_touches_their_dates()
    {
        var range = new DateRange(MiniSeason.Day1, MiniSeason.Day1.AddDays(2));
        await _warehouse.ReplaceRawSeasonAsync(MiniSeason.Daily(3).Parse(), "mini", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        await ProcessorRunner.RunAsync(ProcessorId.PGS, _warehouse, range, Fixtures.Stamp, CancellationToken.None);
        var first = await _warehouse.ReadRowsAsync(PgsRow.Table, range, CancellationToken.None);
        var hits = _warehouse.Hits;
        var second = await _warehouse.ReadRowsAsync(PgsRow.Table, range, CancellationToken.None);
        Assert.Same(first, second);
        Assert.Equal((24, hits + 1), (first.Count, _warehouse.Hits));
        // The same rows a boxed read gives (records: compared by value).
        Assert.Equal(await _warehouse.ReadAsync(PgsRow.Schema, range, PgsRow.From, CancellationToken.None), first);

        // Raw box scores are read whole by PGS alone: not kept.
        hits = _warehouse.Hits;
        await _warehouse.ReadRowsAsync(Raw.RawBoxScore.Table, range, CancellationToken.None);
        await _warehouse.ReadRowsAsync(Raw.RawBoxScore.Table, range, CancellationToken.None);
        Assert.Equal(hits, _warehouse.Hits);

        // A write of one of their dates drops them: the next read is the warehouse's again.
        await ProcessorRunner.RunAsync(ProcessorId.PGS, _warehouse, DateRange.Single(range.To), new Failures.RunStamp("again", Fixtures.Stamp.CreatedAt.AddHours(1)), CancellationToken.None);
        var third = await _warehouse.ReadRowsAsync(PgsRow.Table, range, CancellationToken.None);
        Assert.NotSame(first, third);
        Assert.Equal(24, third.Count);
    }

    [Fact]
    public async Task Activities_reading_the_same_history_share_one_planning_calendar_until_the_raw_season_changes()
    {
        var range = new DateRange(MiniSeason.Day1, MiniSeason.Day1.AddDays(2));
        await _warehouse.ReplaceRawSeasonAsync(MiniSeason.Daily(3).Parse(), "mini", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        var first = await Versions.VersionContext.ReadAsync(_warehouse, range, Versions.CodeVersions.Declared, CancellationToken.None);
        var second = await Versions.VersionContext.ReadAsync(_warehouse, range, Versions.CodeVersions.Declared, CancellationToken.None);
        Assert.Same(first.Calendar, second.Calendar);
        Assert.Equal(3, first.Calendar.Dates.Count);

        // A reload drops the cached keys: the calendar is built again, from the new season.
        await _warehouse.ReplaceRawSeasonAsync(MiniSeason.Daily(2).Parse(), "mini", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        var reloaded = await Versions.VersionContext.ReadAsync(_warehouse, range, Versions.CodeVersions.Declared, CancellationToken.None);
        Assert.NotSame(first.Calendar, reloaded.Calendar);
        Assert.Equal(2, reloaded.Calendar.Dates.Count);
        Assert.Equal(8, reloaded.Calendar.PlayersOn[MiniSeason.Day1].Length);
    }

    [Fact]
    public async Task A_read_that_finishes_after_a_write_began_is_not_kept()
    {
        var range = new DateRange(MiniSeason.Day1, MiniSeason.Day1.AddDays(2));
        await _warehouse.ReplaceRawSeasonAsync(MiniSeason.Daily(3).Parse(), "mini", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        var slow = new SlowReads(await DuckDbWarehouse.OpenAsync(Path.Combine(_dir, "slow.duckdb")));
        await slow.ReplaceRawSeasonAsync(MiniSeason.Daily(3).Parse(), "mini", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        var cache = new CachingWarehouse(slow);
        slow.Hold = new TaskCompletionSource();
        // The read has its (empty) rows and is still on its way back when PGS is written.
        var read = cache.ReadAsync(PgsRow.Schema, range, PgsRow.From, CancellationToken.None);
        await slow.Reading.Task;
        var writeHold = slow.Hold;
        slow.Hold = null;
        await ProcessorRunner.RunAsync(ProcessorId.PGS, cache, range, Fixtures.Stamp, CancellationToken.None);
        writeHold.SetResult();
        Assert.Empty(await read);
        Assert.Equal(24, (await cache.ReadAsync(PgsRow.Schema, range, PgsRow.From, CancellationToken.None)).Count);
        await cache.DisposeAsync();
    }

    [Fact]
    public async Task Simultaneous_reads_of_the_same_history_share_one_warehouse_read()
    {
        var range = new DateRange(MiniSeason.Day1, MiniSeason.Day1.AddDays(2));
        var slow = new SlowReads(await DuckDbWarehouse.OpenAsync(Path.Combine(_dir, "shared.duckdb")));
        await slow.ReplaceRawSeasonAsync(MiniSeason.Daily(3).Parse(), "mini", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        await ProcessorRunner.RunAsync(ProcessorId.PGS, slow, range, Fixtures.Stamp, CancellationToken.None);
        var cache = new CachingWarehouse(slow);
        slow.Hold = new TaskCompletionSource();
        var first = cache.ReadAsync(PgsRow.Schema, range, PgsRow.From, CancellationToken.None);
        await slow.Reading.Task;
        // A second reader arrives while the first is still reading; a cancelled third one does not disturb them.
        var second = cache.ReadAsync(PgsRow.Schema, range, r => r.Str(1), CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        var third = cache.ReadAsync(PgsRow.Schema, range, PgsRow.From, cancelled.Token);
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => third);
        slow.Hold.SetResult();
        Assert.Equal((24, 24), ((await first).Count, (await second).Count));
        Assert.Equal((1, 2), (slow.PgsReads, cache.Hits));
        await cache.DisposeAsync();
    }

    [Fact]
    public async Task History_kept_to_yesterday_is_extended_by_reading_today_only_until_a_write_touches_its_dates()
    {
        var (day1, day2, day3) = (MiniSeason.Day1, MiniSeason.Day1.AddDays(1), MiniSeason.Day1.AddDays(2));
        var counting = new SlowReads(await DuckDbWarehouse.OpenAsync(Path.Combine(_dir, "daily.duckdb")));
        await counting.ReplaceRawSeasonAsync(MiniSeason.Daily(3).Parse(), "mini", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        await ProcessorRunner.RunAsync(ProcessorId.PGS, counting, new DateRange(day1, day2), Fixtures.Stamp, CancellationToken.None);
        var cache = new CachingWarehouse(counting);
        Assert.Equal(16, (await cache.ReadAsync(PgsRow.Schema, new DateRange(day1, day2), PgsRow.From, CancellationToken.None)).Count);

        // Today's rows are written (a date the kept history does not hold), then the history up to today is read.
        var today = DateRange.Single(day3);
        await ProcessorRunner.RunAsync(ProcessorId.PGS, cache, today, new Failures.RunStamp("today", Fixtures.Stamp.CreatedAt), CancellationToken.None);
        counting.PgsRanges.Clear();
        var season = await cache.ReadAsync(PgsRow.Schema, new DateRange(day1, day3), PgsRow.From, CancellationToken.None);
        Assert.Equal([today], counting.PgsRanges);
        var direct = await counting.ReadAsync(PgsRow.Schema, new DateRange(day1, day3), PgsRow.From, CancellationToken.None);
        Assert.Equal(direct.OrderBy(r => (r.GameDate, r.PlayerId)), season.OrderBy(r => (r.GameDate, r.PlayerId)));

        // A write of a date the kept rows hold drops them: the next read is whole again.
        await ProcessorRunner.RunAsync(ProcessorId.PGS, cache, DateRange.Single(day2), Fixtures.Stamp, CancellationToken.None);
        counting.PgsRanges.Clear();
        Assert.Equal(24, (await cache.ReadAsync(PgsRow.Schema, new DateRange(day1, day3), PgsRow.From, CancellationToken.None)).Count);
        Assert.Equal([new DateRange(day1, day3)], counting.PgsRanges);
        await cache.DisposeAsync();
    }

    [Fact]
    public async Task Reads_of_the_batch_just_written_are_served_as_written_and_equal_what_the_warehouse_holds()
    {
        var ct = CancellationToken.None;
        var season = Fixtures.Season2021;
        var inner = await DuckDbWarehouse.OpenAsync(Path.Combine(_dir, "written.duckdb"));
        await using var cache = new CachingWarehouse(inner);
        await cache.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, ct);
        foreach (var p in ProcessorIds.All) await ProcessorRunner.RunAsync(p, cache, season, Fixtures.Stamp, ct);
        // PSZA, TDZA, PCF and PDC read PGS, PCF reads PSZA and TDZA, PDC reads PCF, MLFS reads all four: as written.
        Assert.True(cache.WrittenHits >= 8, $"{cache.WrittenHits} reads served from written batches");

        // Every output table's rows, in order, and the reconciliation's key projection: the same as the warehouse's.
        var hits = cache.WrittenHits;
        await SameAsync(PgsRow.Table);
        await SameAsync(PszaRow.Table);
        await SameAsync(TdzaRow.Table);
        await SameAsync(PcfRow.Table);
        await SameAsync(PdcRow.Table);
        await SameAsync(MlfsRow.Table);
        // PGS's typed rows were kept as history by the first read after its write: the later reads hit that copy.
        Assert.True(cache.WrittenHits >= hits + 10, $"{cache.WrittenHits - hits} of 12 reads served from written batches");

        // A replace of one date makes that date the batch: a read of the season is the warehouse's again, and equal.
        var day = new DateOnly(2021, 12, 17);
        await ProcessorRunner.RunAsync(ProcessorId.PDC, cache, DateRange.Single(day), Fixtures.Stamp with { RunId = "again" }, ct);
        hits = cache.WrittenHits;
        await SameAsync(PdcRow.Table);
        Assert.Equal(hits, cache.WrittenHits);
        Assert.Equal(
            (await inner.ReadRowsAsync(PdcRow.Table, DateRange.Single(day), ct)).Select(PdcRow.Table.ToValues).Select(Line),
            (await cache.ReadRowsAsync(PdcRow.Table, DateRange.Single(day), ct)).Select(PdcRow.Table.ToValues).Select(Line));
        Assert.Equal(hits + 1, cache.WrittenHits);

        async Task SameAsync<TRow>(Tables.TableSchema<TRow> table)
        {
            Assert.Equal(
                (await inner.ReadRowsAsync(table, season, ct)).Select(table.ToValues).Select(Line),
                (await cache.ReadRowsAsync(table, season, ct)).Select(table.ToValues).Select(Line));
            var entity = ProcessorIds.All.Select(p => Tables.TableCatalog.OutputOf(p)).Single(t => t.Name == table.Schema.Name).Key;
            string[] columns = [table.Schema.PartitionColumn!, entity[^1]];
            var projected = await inner.ReadColumnsAsync(table.Schema, season, columns, r => (r.Date(columns[0]), r.Id(columns[1])), ct);
            var before = cache.WrittenHits;
            Assert.Equal(projected, await cache.ReadColumnsAsync(table.Schema, season, columns, r => (r.Date(columns[0]), r.Id(columns[1])), ct));
            var servedAsWritten = cache.WrittenHits - before;
            // Reconciliation's typed key read gives the same keys, from the written batch whenever the projection came from it.
            Assert.Equal(projected.Order(), (await cache.ReadKeysAsync(table.Schema, season, columns[1], distinct: false, ct)).Order());
            Assert.Equal(before + 2 * servedAsWritten, cache.WrittenHits);
        }
    }

    private static string Line(object?[] values) => string.Join("|", values.Select(Tables.CsvExport.Format));

    [Fact]
    public async Task A_read_that_overlaps_a_write_of_its_table_is_not_served_the_batch_from_before_it()
    {
        var ct = CancellationToken.None;
        var range = new DateRange(MiniSeason.Day1, MiniSeason.Day1.AddDays(2));
        var slow = new SlowCounts(await DuckDbWarehouse.OpenAsync(Path.Combine(_dir, "overlap.duckdb")));
        await using var cache = new CachingWarehouse(slow);
        await cache.ReplaceRawSeasonAsync(MiniSeason.Daily(3).Parse(), "mini", Fixtures.Stamp.CreatedAt, ct);
        await ProcessorRunner.RunAsync(ProcessorId.PGS, cache, range, Fixtures.Stamp, ct);
        var day1 = await slow.ReadRowsAsync(PgsRow.Table, DateRange.Single(MiniSeason.Day1), ct);
        var changed = day1.Select(r => (Tables.IOutputRow)(r with { Pts = r.Pts + 100 })).ToList();
        // The read has taken the batch and is checking it against the warehouse when day 1 is replaced by as many rows
        // with other points: the counts still agree, so only the write's generation tells the batch is old.
        slow.Hold = new TaskCompletionSource();
        var read = cache.ReadRowsAsync(PgsRow.Table, range, ct);
        await slow.Counting.Task;
        slow.Hold = null;
        await cache.ReplaceOutputAsync(new ProcessorResult(ProcessorId.PGS, [MiniSeason.Day1], changed, []), Fixtures.Stamp.CreatedAt, ct);
        slow.Held.SetResult();
        var rows = await read;
        Assert.Equal(24, rows.Count);
        Assert.Equal(day1.Sum(r => r.Pts) + (100 * day1.Count), rows.Where(r => r.GameDate == MiniSeason.Day1).Sum(r => r.Pts));
        Assert.Equal(0, cache.WrittenHits);
        // The batch now is the replace of day 1: the other two days are the warehouse's, and nothing is lost.
        Assert.Equal(24, (await cache.ReadRowsAsync(PgsRow.Table, range, ct)).Count);
    }

    /// <summary>Holds the first count after <see cref="Hold"/> is set until <see cref="Held"/> is completed.</summary>
    private sealed class SlowCounts(IWarehouse inner) : DelegatingWarehouse(inner)
    {
        public TaskCompletionSource? Hold { get; set; }

        public TaskCompletionSource Held { get; } = new();

        public TaskCompletionSource Counting { get; } = new();

        public override async Task<IReadOnlyDictionary<DateOnly, int>> CountByDateAsync(Tables.TableSchema table, DateRange range, CancellationToken ct)
        {
            if (Hold is not null)
            {
                Counting.TrySetResult();
                await Held.Task;
            }
            return await base.CountByDateAsync(table, range, ct);
        }
    }

    private sealed class SlowReads(IWarehouse inner) : DelegatingWarehouse(inner)
    {
        public int PgsReads { get; private set; }

        public List<DateRange> PgsRanges { get; } = [];

        public TaskCompletionSource? Hold { get; set; }

        public TaskCompletionSource Reading { get; } = new();

        public override async Task<IReadOnlyList<T>> ReadAsync<T>(Tables.TableSchema table, DateRange range, Func<Tables.Row, T> map, CancellationToken ct)
        {
            var rows = await base.ReadAsync(table, range, map, ct);
            if (table.Name == PgsRow.Schema.Name)
            {
                PgsReads++;
                PgsRanges.Add(range);
            }
            if (Hold is { } hold && table.Name == PgsRow.Schema.Name)
            {
                Reading.TrySetResult();
                await hold.Task;
            }
            return rows;
        }
    }
}
