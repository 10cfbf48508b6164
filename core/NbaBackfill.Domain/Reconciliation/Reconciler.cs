using NbaBackfill.Processors;

namespace NbaBackfill.Reconciliation;

/// <summary>Counts of one processor on one date (or summed over a range): Expected = HasRecord + HasFailure + Unaccounted.</summary>
public sealed record ReconciliationCounts(
    int Expected, int HasRecord, int HasFailure, int Unaccounted, int Orphans, int Both)
{
    public static ReconciliationCounts Zero { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>(HasRecord + HasFailure) / Expected; 1 when nothing was expected.</summary>
    public double Coverage => Expected == 0 ? 1.0 : (double)(HasRecord + HasFailure) / Expected;

    public bool IsClean => Unaccounted == 0 && Orphans == 0 && Both == 0;

    public ReconciliationCounts Plus(ReconciliationCounts o) => new(
        Expected + o.Expected, HasRecord + o.HasRecord, HasFailure + o.HasFailure, Unaccounted + o.Unaccounted,
        Orphans + o.Orphans, Both + o.Both);
}

public sealed record DateReconciliation(DateOnly Date, ReconciliationCounts Counts);

public sealed record ProcessorReconciliation(
    ProcessorId Processor, ReconciliationCounts Totals, IReadOnlyList<DateReconciliation> Dates);

/// <summary>The entity keys reconciliation compares, for one processor over a range.</summary>
public sealed record EntityKeys(
    IReadOnlyCollection<(DateOnly Date, string EntityId)> Expected,
    IReadOnlyCollection<(DateOnly Date, string EntityId)> Records,
    IReadOnlyCollection<(DateOnly Date, string EntityId)> UnresolvedFailures);

/// <summary>
/// The invariant of the product, as pure set arithmetic: for every processor and date, each expected entity has a row,
/// or an unresolved failure, or it is Unaccounted; rows of unexpected entities are Orphans; an entity with both a row
/// and an unresolved failure counts in Both.
/// </summary>
public static class Reconciler
{
    public static ProcessorReconciliation Reconcile(ProcessorId processor, EntityKeys keys, IEnumerable<DateOnly> dates)
    {
        // Keys split by date into per-date entity sets in one pass per list: each entity id is hashed once per list
        // (a season is ~100k keys per processor, reconciled at the end of every run).
        var byDate = new Dictionary<DateOnly, DateKeys>();
        DateKeys On(DateOnly date) => byDate.TryGetValue(date, out var k) ? k : byDate[date] = new DateKeys();
        foreach (var (date, entity) in keys.Expected) On(date).Expected.Add(entity);
        foreach (var (date, entity) in keys.Records) On(date).Records.Add(entity);
        foreach (var (date, entity) in keys.UnresolvedFailures) On(date).Failures.Add(entity);
        var perDate = new List<DateReconciliation>();
        var totals = ReconciliationCounts.Zero;
        foreach (var date in dates.Concat(byDate.Keys).Distinct().Order())
        {
            var counts = byDate.TryGetValue(date, out var k) ? k.Count() : ReconciliationCounts.Zero;
            perDate.Add(new DateReconciliation(date, counts));
            totals = totals.Plus(counts);
        }
        return new ProcessorReconciliation(processor, totals, perDate);
    }

    private sealed class DateKeys
    {
        public HashSet<string> Expected { get; } = [];

        public HashSet<string> Records { get; } = [];

        public HashSet<string> Failures { get; } = [];

        public ReconciliationCounts Count()
        {
            int records = 0, failures = 0, unaccounted = 0, orphans = 0, both = 0;
            foreach (var entity in Expected)
            {
                var (hasRow, hasFailure) = (Records.Contains(entity), Failures.Contains(entity));
                if (hasRow && hasFailure) both++;
                if (hasRow) records++;
                else if (hasFailure) failures++;
                else unaccounted++;
            }
            foreach (var entity in Records)
            {
                if (Expected.Contains(entity)) continue;
                orphans++;
                if (Failures.Contains(entity)) both++;
            }
            return new ReconciliationCounts(Expected.Count, records, failures, unaccounted, orphans, both);
        }
    }
}
