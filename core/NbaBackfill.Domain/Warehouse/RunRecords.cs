using NbaBackfill.Planning;
using NbaBackfill.Tables;

namespace NbaBackfill.Warehouse;

/// <summary>One node of one run in backfill_status: progress a user can query with SQL.</summary>
public sealed record StatusRow(
    string RunId, string Processor, DateOnly TargetDate, NodeStatus Status, string? ErrorMessage, int Attempt,
    DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, int RowsWritten, int FailuresWritten) : ITableRow
{
    public object?[] ToValues() =>
        [RunId, Processor, TargetDate, Status.StoredName(), ErrorMessage, Attempt, StartedAt, CompletedAt, RowsWritten, FailuresWritten];

    public static StatusRow From(Row r) => new(
        r.Str(0), r.Str(1), r.Date(2), NodeStatuses.Parse(r.Str(3)), r.StrOrNull(4), r.Int(5), r.TimestampOrNull(6), r.TimestampOrNull(7), r.Int(8), r.Int(9));
}

/// <summary>One run in backfill_runs.</summary>
public sealed record RunRow(
    string RunId, DateOnly FromDate, DateOnly ToDate, string Processors, string Options, string Engine, string Status,
    bool SkipPreflight, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, string? Summary) : ITableRow
{
    public object?[] ToValues() => [RunId, FromDate, ToDate, Processors, Options, Engine, Status, SkipPreflight, StartedAt, CompletedAt, Summary];

    /// <summary>Where the run's backfill_status rows lie: its range, and the season history before it that pre-flight may add.</summary>
    public Calendar.DateRange StatusDates => new Calendar.DateRange(FromDate, ToDate).WithSeasonHistory();

    public static RunRow From(Row r) => new(
        r.Str(0), r.Date(1), r.Date(2), r.Str(3), r.Str(4), r.Str(5), r.Str(6), r.Bool(7), r.Timestamp(8), r.TimestampOrNull(9), r.StrOrNull(10));
}
