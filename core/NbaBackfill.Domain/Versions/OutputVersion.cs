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
        return dates.Distinct().ToDictionary(d => d, d => Of(rows[d].Select(r => r.ToValues()), failures[d]));
    }

    public static string Of(IEnumerable<object?[]> rows, IEnumerable<FailureRecord> failures) => ContentHash.Of(
        rows.Select(r => (object?[])["row", .. r])
            .Concat(failures.Select(f => (object?[])["failure", .. f.ToValues().Take(FailureRecord.SubstanceColumns)])));
}
