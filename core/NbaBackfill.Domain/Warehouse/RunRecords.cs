using NbaBackfill.Planning;
using NbaBackfill.Tables;

namespace NbaBackfill.Warehouse;

/// <summary>One node of one run in backfill_status: progress a user can query with SQL.</summary>
public sealed record StatusRow(
    string RunId, string Processor, DateOnly TargetDate, NodeStatus Status, string? ErrorMessage, int Attempt,
    DateTimeOffset? StartedAt, DateTimeOffset? CompletedAt, int RowsWritten, int FailuresWritten) : ITableRow
{
    public static TableSchema<StatusRow> Table { get; } = new("backfill_status", c => new StatusRow(
        c.Str("run_id", r => r.RunId), c.Str("processor", r => r.Processor), c.Date("target_date", r => r.TargetDate),
        NodeStatuses.ParseStored(c.Str("status", r => r.Status.StoredName())), c.StrOrNull("error_message", r => r.ErrorMessage),
        c.Int("attempt", r => r.Attempt), c.TimeOrNull("started_at", r => r.StartedAt), c.TimeOrNull("completed_at", r => r.CompletedAt),
        c.Int("rows_written", r => r.RowsWritten), c.Int("failures_written", r => r.FailuresWritten)),
        Key: ["run_id", "processor", "target_date"], PartitionColumn: "target_date", Clustering: ["run_id", "processor"]);

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    public static StatusRow From(Row r) => Table.From(r);
}

/// <summary>
/// How a run stands or ended: backfill_runs.status, the orchestration's outcome and the API's payloads, as its name
/// ("CompletedWithFailures") wherever it is written.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    Running,
    Completed,
    CompletedWithFailures,
    Failed,
    Refused,
    Terminated,
}

/// <summary>One run in backfill_runs.</summary>
public sealed record RunRow(
    string RunId, DateOnly FromDate, DateOnly ToDate, string Processors, string Options, string Engine, RunStatus Status,
    bool SkipPreflight, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, string? Summary) : ITableRow
{
    public static TableSchema<RunRow> Table { get; } = new("backfill_runs", c => new RunRow(
        c.Str("run_id", r => r.RunId), c.Date("from_date", r => r.FromDate), c.Date("to_date", r => r.ToDate),
        c.Str("processors", r => r.Processors), c.Str("options", r => r.Options), c.Str("engine", r => r.Engine),
        ParseRunStatus(c.Str("status", r => r.Status.ToString())), c.Bool("skip_preflight", r => r.SkipPreflight), c.Time("started_at", r => r.StartedAt),
        c.TimeOrNull("completed_at", r => r.CompletedAt), c.StrOrNull("summary", r => r.Summary)),
        Key: ["run_id"], PartitionColumn: null, Clustering: ["run_id"]);

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    /// <summary>Where the run's backfill_status rows lie: its range, and the season history before it that pre-flight may add.</summary>
    public Calendar.DateRange StatusDates => new Calendar.DateRange(FromDate, ToDate).WithSeasonHistory();

    public static RunRow From(Row r) => Table.From(r);

    // Null only while the declaration is recorded; exact names only (not numbers).
    private static RunStatus ParseRunStatus(string? stored) =>
        stored is null ? default
        : Enum.GetNames<RunStatus>().Contains(stored, StringComparer.Ordinal) ? Enum.Parse<RunStatus>(stored)
        : throw new FormatException($"unknown run status '{stored}'");
}
