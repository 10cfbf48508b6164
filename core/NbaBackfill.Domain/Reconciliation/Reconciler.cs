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
        var expected = keys.Expected.ToHashSet();
        var records = keys.Records.ToHashSet();
        var failures = keys.UnresolvedFailures.ToHashSet();
        var perDate = new List<DateReconciliation>();
        var totals = ReconciliationCounts.Zero;
        var byDate = expected.Concat(records).Concat(failures).GroupBy(k => k.Date).ToDictionary(g => g.Key, g => g.Distinct().ToList());
        foreach (var date in dates.Concat(byDate.Keys).Distinct().Order())
        {
            int exp = 0, rec = 0, fail = 0, un = 0, orphans = 0, both = 0;
            foreach (var key in byDate.GetValueOrDefault(date, []))
            {
                var hasRow = records.Contains(key);
                var hasFailure = failures.Contains(key);
                if (hasRow && hasFailure) both++;
                if (!expected.Contains(key))
                {
                    if (hasRow) orphans++;
                    continue;
                }
                exp++;
                if (hasRow) rec++;
                else if (hasFailure) fail++;
                else un++;
            }
            var counts = new ReconciliationCounts(exp, rec, fail, un, orphans, both);
            perDate.Add(new DateReconciliation(date, counts));
            totals = totals.Plus(counts);
        }
        return new ProcessorReconciliation(processor, totals, perDate);
    }
}
