using NbaBackfill.Calendar;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Reconciliation;

/// <summary>The seeds' gap grid: row counts per date for raw box scores and each processor's table, and which dates have games.</summary>
public sealed record GapGrid(IReadOnlySet<DateOnly> GameDates, IReadOnlyList<(string Name, IReadOnlyDictionary<DateOnly, int> Counts)> Columns)
{
    public static async Task<GapGrid> ReadAsync(IWarehouse warehouse, DateRange range, CancellationToken ct)
    {
        var gameDates = (await warehouse.ReadColumnsAsync(TableCatalog.RawGames, range, ["game_date"], r => r.Date("game_date"), ct, distinct: true)).ToHashSet();
        var columns = new List<(string, IReadOnlyDictionary<DateOnly, int>)> { ("raw", await warehouse.CountByDateAsync(TableCatalog.RawBoxScores, range, ct)) };
        foreach (var p in ProcessorIds.All)
        {
            columns.Add((p.ToString(), await warehouse.CountByDateAsync(TableCatalog.OutputOf(p), range, ct)));
        }
        return new GapGrid(gameDates, columns);
    }
}
