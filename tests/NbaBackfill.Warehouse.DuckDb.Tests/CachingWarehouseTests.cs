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

        // A reload of the raw season drops cached raw reads too.
        var raw = await _warehouse.ReadAsync(Tables.TableCatalog.RawBoxScores, range, Raw.RawBoxScore.From, CancellationToken.None);
        await _warehouse.ReplaceRawSeasonAsync(MiniSeason.Daily(1).Parse(), "mini", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        Assert.Equal((24, 8), (raw.Count, (await _warehouse.ReadAsync(Tables.TableCatalog.RawBoxScores, range, Raw.RawBoxScore.From, CancellationToken.None)).Count));
    }
}
