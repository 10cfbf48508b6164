using System.Globalization;
using NbaBackfill.Calendar;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Reconciliation;

/// <summary>Reads the entity keys of each processor's expected population, rows and unresolved failures.</summary>
public static class ReconciliationReader
{
    /// <summary>Days of keys held at once: about a season, so twenty seasons reconcile in the memory of one.</summary>
    public const int WindowDays = 200;

    /// <summary>
    /// Every date reconciles on its own keys: the range is read a window at a time and the windows' dates and totals
    /// are put together (in memory, one window's keys at most).
    /// </summary>
    public static async Task<IReadOnlyList<ProcessorReconciliation>> ReconcileAsync(
        IWarehouseReader warehouse, DateRange range, IEnumerable<ProcessorId> processors, CancellationToken ct, ProcessorRegistry? registry = null)
    {
        var ids = processors.Distinct().ToList();
        var dates = ids.ToDictionary(p => p, _ => new List<DateReconciliation>());
        var totals = ids.ToDictionary(p => p, _ => ReconciliationCounts.Zero);
        for (var from = range.From; from <= range.To; from = from.AddDays(WindowDays))
        {
            var window = new DateRange(from, from.AddDays(WindowDays - 1) < range.To ? from.AddDays(WindowDays - 1) : range.To);
            foreach (var part in await ReconcileWindowAsync(warehouse, window, ids, registry ?? ProcessorRegistry.Default, ct))
            {
                dates[part.Processor].AddRange(part.Dates);
                totals[part.Processor] = totals[part.Processor].Plus(part.Totals);
            }
        }
        return ids.Select(p => new ProcessorReconciliation(p, totals[p], dates[p])).ToList();
    }

    private static async Task<IReadOnlyList<ProcessorReconciliation>> ReconcileWindowAsync(
        IWarehouseReader warehouse, DateRange range, IReadOnlyList<ProcessorId> processors, ProcessorRegistry registry, CancellationToken ct)
    {
        var games = await warehouse.ReadRowsAsync(RawGame.Table, range, ct);
        var gameDates = games.Select(g => g.GameDate).Distinct().Order().ToList();
        var result = new List<ProcessorReconciliation>();
        var populations = new Dictionary<Population, List<(DateOnly, string)>>();
        // Failure keys of every processor in two key-only reads (the failure rows themselves are wide).
        var unresolved = new List<(string Processor, DateOnly Date, string Entity, string Status)>();
        foreach (var table in new[] { TableCatalog.AnalyticsFailures, TableCatalog.PrecomputeFailures })
        {
            unresolved.AddRange(await warehouse.ReadColumnsAsync(table, range, ["processor_name", "analysis_date", "entity_id", "resolution_status"],
                r => (r.Str("processor_name"), r.Date("analysis_date"), r.Str("entity_id"), r.Str("resolution_status")), ct));
        }
        var unresolvedByProcessor = unresolved.Where(f => f.Status != Failures.ResolutionStatus.Resolved)
            .ToLookup(f => f.Processor, f => (f.Date, f.Entity));
        foreach (var processor in processors)
        {
            // Processors that share a population (the four player processors after PGS) read it once.
            var descriptor = registry.Of(processor);
            if (!populations.TryGetValue(descriptor.Population, out var expected))
            {
                populations[descriptor.Population] = expected =
                    (await descriptor.Population.Read(warehouse, range, ct)).Select(e => (e.Date, e.EntityId)).ToList();
            }
            var table = descriptor.Output;
            var (dateColumn, entityColumn) = (table.PartitionColumn!, descriptor.EntityColumn);
            var records = await warehouse.ReadColumnsAsync(table, range, [dateColumn, entityColumn], r => (r.Date(dateColumn), r.Id(entityColumn)), ct);
            var failures = unresolvedByProcessor[processor.ToString()].ToList();
            result.Add(Reconciler.Reconcile(processor, new EntityKeys(expected, records, failures), gameDates));
        }
        return result;
    }
}
