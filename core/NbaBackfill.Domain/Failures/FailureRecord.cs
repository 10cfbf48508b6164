using NbaBackfill.Processors;
using NbaBackfill.Tables;

namespace NbaBackfill.Failures;

public static class FailureCategory
{
    public const string InsufficientData = "INSUFFICIENT_DATA";
    public const string IncompleteData = "INCOMPLETE_DATA";
    public const string MissingUpstream = "MISSING_UPSTREAM";
    public const string MissingDependencies = "MISSING_DEPENDENCIES";
    public const string NoShotZone = "NO_SHOT_ZONE";
    public const string InvalidInput = "INVALID_INPUT";
    public const string ProcessingError = "PROCESSING_ERROR";
    public const string Unknown = "UNKNOWN";

    public static IReadOnlyList<string> All { get; } =
        [InsufficientData, IncompleteData, MissingUpstream, MissingDependencies, NoShotZone, InvalidInput, ProcessingError, Unknown];
}

public static class FailureType
{
    public const string InsufficientHistory = "INSUFFICIENT_HISTORY";
    public const string PlayerDnp = "PLAYER_DNP";
    public const string DataGap = "DATA_GAP";
    public const string Mixed = "MIXED";
    public const string ProcessingError = "PROCESSING_ERROR";
    public const string Unknown = "UNKNOWN";
}

public static class EntityType
{
    public const string Player = "PLAYER";
    public const string Team = "TEAM";
    public const string Game = "GAME";
}

public static class ResolutionStatus
{
    public const string Unresolved = "UNRESOLVED";
    public const string Resolved = "RESOLVED";
    public const string Permanent = "PERMANENT";
}

/// <summary>One explained non-row: the columns of analytics_failures / precompute_failures.</summary>
public sealed record FailureRecord(
    ProcessorId ProcessorName,
    DateOnly AnalysisDate,
    string EntityId,
    string EntityType,
    string FailureCategory,
    string FailureReason,
    bool CanRetry,
    string? MissingGameIds,
    string FailureType,
    bool IsCorrectable,
    int? ExpectedGameCount,
    int? ActualGameCount,
    string? MissingGameDates,
    bool RawDataChecked,
    string ResolutionStatus,
    DateTimeOffset? ResolvedAt,
    string RunId,
    DateTimeOffset CreatedAt) : ITableRow
{
    /// <summary>The leading columns that say what the failure is (through raw_data_checked); the rest say its history.</summary>
    public const int SubstanceColumns = 14;

    public bool IsUnresolved => ResolutionStatus != Failures.ResolutionStatus.Resolved;

    /// <summary>analytics_failures (Phase 3); <see cref="Precompute"/> has the same columns.</summary>
    public static TableSchema<FailureRecord> Analytics { get; } = new("analytics_failures", c => new FailureRecord(
        ProcessorIds.ParseStored(c.Str("processor_name", r => r.ProcessorName.Name)), c.Date("analysis_date", r => r.AnalysisDate),
        c.Str("entity_id", r => r.EntityId), c.Str("entity_type", r => r.EntityType), c.Str("failure_category", r => r.FailureCategory),
        c.Str("failure_reason", r => r.FailureReason), c.Bool("can_retry", r => r.CanRetry),
        c.StrOrNull("missing_game_ids", r => r.MissingGameIds), c.Str("failure_type", r => r.FailureType),
        c.Bool("is_correctable", r => r.IsCorrectable), c.IntOrNull("expected_game_count", r => r.ExpectedGameCount),
        c.IntOrNull("actual_game_count", r => r.ActualGameCount), c.StrOrNull("missing_game_dates", r => r.MissingGameDates),
        c.Bool("raw_data_checked", r => r.RawDataChecked), c.Str("resolution_status", r => r.ResolutionStatus),
        c.TimeOrNull("resolved_at", r => r.ResolvedAt), c.Str("run_id", r => r.RunId), c.Time("created_at", r => r.CreatedAt)),
        Key: ["processor_name", "analysis_date", "entity_id", "failure_category", "created_at"],
        PartitionColumn: "analysis_date", Clustering: ["processor_name", "entity_id"]);

    /// <summary>precompute_failures (Phase 4).</summary>
    public static TableSchema<FailureRecord> Precompute { get; } = Analytics.Named("precompute_failures");

    public object?[] ToValues() => Analytics.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Analytics.Write(this, sink, count);

    public static FailureRecord From(Row r) => Analytics.From(r);

    /// <summary>
    /// Same failure in substance (record equality over everything but its history: resolution, run, time): what a
    /// re-run compares to decide whether to keep the existing record.
    /// </summary>
    public bool SameAs(FailureRecord other) =>
        this with { ResolutionStatus = other.ResolutionStatus, ResolvedAt = other.ResolvedAt, RunId = other.RunId, CreatedAt = other.CreatedAt } == other;
}

/// <summary>Who writes the failure and when: stamped on every record.</summary>
public sealed record RunStamp(string RunId, DateTimeOffset CreatedAt);
