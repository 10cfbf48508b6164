using System.Globalization;
using NbaBackfill.Calendar;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Reconciliation;

/// <summary>Reads the entity keys of each processor's expected population, rows and unresolved failures.</summary>
public static class ReconciliationReader
{
    public static async Task<IReadOnlyList<ProcessorReconciliation>> ReconcileAsync(
        IWarehouseReader warehouse, DateRange range, IEnumerable<ProcessorId> processors, CancellationToken ct)
    {
        var games = await warehouse.ReadAsync(TableCatalog.RawGames, range, RawGame.From, ct);
        var gameDates = games.Select(g => g.GameDate).Distinct().Order().ToList();
        var players = (await warehouse.ReadAsync(PgsRow.Schema, range, r => (r.Date(0), Id(r.Values[3])), ct)).ToList();
        var result = new List<ProcessorReconciliation>();
        foreach (var processor in processors)
        {
            IReadOnlyCollection<(DateOnly, string)> expected = processor switch
            {
                ProcessorId.PGS => await ExpectedPgsAsync(warehouse, range, ct),
                ProcessorId.TDZA => games.SelectMany(g => g.Teams.Select(t => (g.GameDate, t))).ToList(),
                _ => players,
            };
            var table = TableCatalog.OutputOf(processor);
            var dateIndex = 0;
            var entityIndex = table.IndexOf(processor == ProcessorId.TDZA ? "team_abbr" : "player_id");
            var records = await warehouse.ReadAsync(table, range, r => (r.Date(dateIndex), Id(r.Values[entityIndex])), ct);
            var failures = (await warehouse.ReadUnresolvedFailuresAsync(processor, range, ct))
                .Select(f => (f.AnalysisDate, f.EntityId)).ToList();
            result.Add(Reconciler.Reconcile(processor, new EntityKeys(expected, records, failures), gameDates));
        }
        return result;
    }

    private static async Task<IReadOnlyCollection<(DateOnly, string)>> ExpectedPgsAsync(
        IWarehouseReader warehouse, DateRange range, CancellationToken ct)
    {
        var raw = await warehouse.ReadAsync(TableCatalog.RawBoxScores, range, r => (r.Date(1), Id(r.Values[7])), ct);
        var rejected = await warehouse.ReadAsync(TableCatalog.RawRejects, range,
            r => (Date: r.DateOrNull(3), Entity: r.Str(4), Type: r.Str(5)), ct);
        return raw.Concat(rejected.Where(x => x.Date is not null && x.Type == "PLAYER").Select(x => (x.Date!.Value, x.Entity)))
            .Distinct().ToList();
    }

    private static string Id(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture)!;
}
