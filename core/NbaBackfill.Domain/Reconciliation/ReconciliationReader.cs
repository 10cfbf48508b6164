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
        var result = new List<ProcessorReconciliation>();
        var populations = new Dictionary<ProcessorId, List<(DateOnly, string)>>();
        foreach (var processor in processors)
        {
            // The four player processors share one population (players with a PGS row): read it once.
            var key = processor is ProcessorId.PGS or ProcessorId.TDZA ? processor : ProcessorId.PSZA;
            if (!populations.TryGetValue(key, out var expected))
            {
                populations[key] = expected = (await ExpectedPopulation.ReadAsync(warehouse, processor, range, ct)).Select(e => (e.Date, e.EntityId)).ToList();
            }
            var table = TableCatalog.OutputOf(processor);
            var dateIndex = 0;
            var entityIndex = table.IndexOf(processor == ProcessorId.TDZA ? "team_abbr" : "player_id");
            var records = await warehouse.ReadProjectedAsync(table, range, [table.Columns[dateIndex].Name, table.Columns[entityIndex].Name], false,
                r => (r.Date(dateIndex), Id(r.Values[entityIndex])), ct);
            var failures = (await warehouse.ReadUnresolvedFailuresAsync(processor, range, ct))
                .Select(f => (f.AnalysisDate, f.EntityId)).ToList();
            result.Add(Reconciler.Reconcile(processor, new EntityKeys(expected, records, failures), gameDates));
        }
        return result;
    }

    private static string Id(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture)!;
}
