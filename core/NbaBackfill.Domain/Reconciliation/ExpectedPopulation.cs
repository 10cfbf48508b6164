using System.Globalization;
using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Reconciliation;

/// <summary>Who must get a row: raw player rows (PGS), scheduled teams (TDZA), players with a PGS row (the rest).</summary>
public static class ExpectedPopulation
{
    public static async Task<IReadOnlyList<(DateOnly Date, string EntityId, string EntityType)>> ReadAsync(
        IWarehouseReader warehouse, ProcessorId processor, DateRange range, CancellationToken ct)
    {
        switch (processor)
        {
            case ProcessorId.PGS:
                var raw = await warehouse.ReadProjectedAsync(TableCatalog.RawBoxScores, range, ["game_date", "player_id"], true, r => (r.Date(1), Id(r.Values[7]), EntityType.Player), ct);
                var rejected = await warehouse.ReadAsync(TableCatalog.RawRejects, range,
                    r => (Date: r.DateOrNull(3), Entity: r.Str(4), Type: r.Str(5)), ct);
                return raw.Concat(rejected.Where(x => x.Date is not null && x.Type == EntityType.Player).Select(x => (x.Date!.Value, x.Entity, x.Type)))
                    .Distinct().ToList();
            case ProcessorId.TDZA:
                return (await warehouse.ReadAsync(TableCatalog.RawGames, range, RawGame.From, ct))
                    .SelectMany(g => g.Teams.Select(t => (g.GameDate, t, EntityType.Team))).Distinct().ToList();
            default:
                return (await warehouse.ReadProjectedAsync(PgsRow.Schema, range, ["game_date", "player_id"], false, r => (r.Date(0), Id(r.Values[3]), EntityType.Player), ct)).ToList();
        }
    }

    private static string Id(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture)!;
}
