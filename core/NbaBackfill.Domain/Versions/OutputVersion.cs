using NbaBackfill.Failures;
using NbaBackfill.Processors;

namespace NbaBackfill.Versions;

/// <summary>
/// A node's output version: the hash of its rows and of its failures' substance (not run_id, created_at or the
/// resolution columns, which say when, not what). Equal outputs give equal versions whoever computed them.
/// </summary>
public static class OutputVersion
{
    public static IReadOnlyDictionary<DateOnly, string> PerDate(ProcessorResult result, IEnumerable<DateOnly> dates)
    {
        var rows = result.Rows.ToLookup(r => r.Date);
        var failures = result.Failures.ToLookup(f => f.AnalysisDate);
        // Dates hash independently: spread them over the cores (the floor and a wide batch hash ~100k rows).
        return dates.Distinct().AsParallel()
            .Select(d => (Date: d, Version: Of(rows[d].Select(r => r.ToValues()), failures[d])))
            .ToDictionary(x => x.Date, x => x.Version);
    }

    public static string Of(IEnumerable<object?[]> rows, IEnumerable<FailureRecord> failures) => ContentHash.OfTagged(
        rows.Select(r => new TaggedValues("row", r, r.Length))
            .Concat(failures.Select(f => new TaggedValues("failure", f.ToValues(), FailureRecord.SubstanceColumns))));
}
