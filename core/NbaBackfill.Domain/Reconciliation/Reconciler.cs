using System.Runtime.InteropServices;
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
        // One pass per list into one table of what each (date, entity) key has: each key is hashed once per list, and
        // a season's ~100k keys per processor cost one table, not three sets per date (reconciled at every run's end).
        var has = new Dictionary<(DateOnly Date, string Entity), Has>(keys.Expected.Count + keys.Records.Count / 8);
        void Mark(IEnumerable<(DateOnly, string)> list, Has what)
        {
            foreach (var key in list) CollectionsMarshal.GetValueRefOrAddDefault(has, key, out _) |= what;
        }
        Mark(keys.Expected, Has.Expected);
        Mark(keys.Records, Has.Record);
        Mark(keys.UnresolvedFailures, Has.Failure);
        var byDate = new Dictionary<DateOnly, Tally>();
        foreach (var ((date, _), what) in has)
        {
            // (A failure alone, of an entity neither expected nor written, counts nowhere; its date is still listed.)
            ref var tally = ref CollectionsMarshal.GetValueRefOrAddDefault(byDate, date, out _);
            if ((what & (Has.Expected | Has.Record)) != 0) tally.Add(what);
        }
        var perDate = new List<DateReconciliation>();
        var totals = ReconciliationCounts.Zero;
        foreach (var date in dates.Concat(byDate.Keys).Distinct().Order())
        {
            var counts = byDate.TryGetValue(date, out var tally) ? tally.Counts : ReconciliationCounts.Zero;
            perDate.Add(new DateReconciliation(date, counts));
            totals = totals.Plus(counts);
        }
        return new ProcessorReconciliation(processor, totals, perDate);
    }

    [Flags]
    private enum Has : byte
    {
        Expected = 1,
        Record = 2,
        Failure = 4,
    }

    /// <summary>One date's counts, one key at a time: an expected entity has a row, else a failure, else nothing.</summary>
    private struct Tally
    {
        private int _expected, _records, _failures, _unaccounted, _orphans, _both;

        public void Add(Has what)
        {
            var (row, failure) = ((what & Has.Record) != 0, (what & Has.Failure) != 0);
            if (row && failure) _both++;
            if ((what & Has.Expected) == 0)
            {
                _orphans++;
                return;
            }
            _expected++;
            if (row) _records++;
            else if (failure) _failures++;
            else _unaccounted++;
        }

        public readonly ReconciliationCounts Counts => new(_expected, _records, _failures, _unaccounted, _orphans, _both);
    }
}
