using NbaBackfill.Failures;
using NbaBackfill.Tables;

namespace NbaBackfill.Processors;

/// <summary>
/// What one processor produced for a set of dates: rows and failures that replace, atomically, whatever the
/// warehouse held for exactly those dates.
/// </summary>
public sealed record ProcessorResult(
    ProcessorId Processor,
    IReadOnlyList<DateOnly> Dates,
    IReadOnlyList<IOutputRow> Rows,
    IReadOnlyList<FailureRecord> Failures)
{
    public TableSchema Table => TableCatalog.OutputOf(Processor);
}
