using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Tables;

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
            .Select(d => (Date: d, Version: OfRows(rows[d], failures[d])))
            .ToDictionary(x => x.Date, x => x.Version);
    }

    /// <summary>Of typed rows, written straight into the hash (the same hash as of their values).</summary>
    public static string OfRows(IEnumerable<ITableRow> rows, IEnumerable<FailureRecord> failures) =>
        Of(rows, (row, hasher) => row.WriteTo(hasher), failures);

    /// <summary>Of rows as values read back from a warehouse.</summary>
    public static string Of(IEnumerable<object?[]> rows, IEnumerable<FailureRecord> failures) =>
        Of(rows, (values, hasher) =>
        {
            foreach (var value in values) hasher.Boxed(value);
        }, failures);

    /// <summary>A line per row (tagged "row", its values by <paramref name="write"/>) and per failure's substance.</summary>
    private static string Of<TRow>(IEnumerable<TRow> rows, Action<TRow, ContentHasher> write, IEnumerable<FailureRecord> failures)
    {
        using var hasher = new ContentHasher();
        foreach (var row in rows)
        {
            hasher.BeginLine(RowTag);
            write(row, hasher);
            hasher.EndLine();
        }
        foreach (var failure in failures)
        {
            hasher.BeginLine("failure");
            failure.WriteTo(hasher, FailureRecord.SubstanceColumns);
            hasher.EndLine();
        }
        return hasher.Finish();
    }

    private const string RowTag = "row";
}
