using System.Globalization;
using NbaBackfill.Calendar;
using NbaBackfill.Processors;
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
        // The reads are independent: all issued at once, each on the thread pool (an adapter may serve a read on the
        // caller's thread, as DuckDB does, and the reads would then follow one another), then reconciled one processor
        // at a time (each builds a window's key sets: side by side, twenty seasons peaked 60 MiB higher).
        static Task<T> OnPoolAsync<T>(Func<Task<T>> read) => Task.Run(read);
        var gameDatesRead = OnPoolAsync(() => Schedule.GameDatesAsync(warehouse, range, ct));
        // Processors that share a population (the four player processors after PGS) read it once.
        var populationReads = new Dictionary<Population, Task<IReadOnlyList<(DateOnly Date, string EntityId, string EntityType)>>>();
        // Each processor's rows and unresolved failures as keys only (the failure rows themselves are wide).
        var keyReads = new List<(ProcessorId Processor, Population Population, Task<IReadOnlyList<(DateOnly Date, string Entity)>> Records,
            Task<IReadOnlyList<(DateOnly Date, string Entity)>> Failures)>();
        foreach (var processor in processors)
        {
            var descriptor = registry.Of(processor);
            if (!populationReads.ContainsKey(descriptor.Population)) populationReads[descriptor.Population] = OnPoolAsync(() => descriptor.Population.Read(warehouse, range, ct));
            keyReads.Add((processor, descriptor.Population,
                OnPoolAsync(() => warehouse.ReadKeysAsync(descriptor.Output, range, descriptor.EntityColumn, distinct: false, ct)),
                OnPoolAsync(() => warehouse.ReadUnresolvedFailureKeysAsync(TableCatalog.FailureRowsOf(descriptor).Schema, processor, range, ct))));
        }
        var gameDates = await gameDatesRead;
        var populations = new Dictionary<Population, List<(DateOnly, string)>>();
        var result = new List<ProcessorReconciliation>();
        foreach (var (processor, population, records, failures) in keyReads)
        {
            if (!populations.TryGetValue(population, out var expected))
            {
                populations[population] = expected = (await populationReads[population]).Select(e => (e.Date, e.EntityId)).ToList();
            }
            result.Add(Reconciler.Reconcile(processor, new EntityKeys(expected, await records, await failures), gameDates));
        }
        return result;
    }
}
