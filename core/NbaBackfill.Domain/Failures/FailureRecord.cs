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

    public object?[] ToValues() =>
    [
        ProcessorName.ToString(), AnalysisDate, EntityId, EntityType, FailureCategory, FailureReason, CanRetry, MissingGameIds,
        FailureType, IsCorrectable, ExpectedGameCount, ActualGameCount, MissingGameDates, RawDataChecked, ResolutionStatus,
        ResolvedAt, RunId, CreatedAt,
    ];

    public static FailureRecord From(Row r) => new(
        ProcessorIds.Parse(r.Str(0)), r.Date(1), r.Str(2), r.Str(3), r.Str(4), r.Str(5), r.Bool(6), r.StrOrNull(7), r.Str(8),
        r.Bool(9), r.IntOrNull(10), r.IntOrNull(11), r.StrOrNull(12), r.Bool(13), r.Str(14), r.TimestampOrNull(15), r.Str(16),
        r.Timestamp(17));

    /// <summary>
    /// Same failure in substance (record equality over everything but its history: resolution, run, time): what a
    /// re-run compares to decide whether to keep the existing record.
    /// </summary>
    public bool SameAs(FailureRecord other) =>
        this with { ResolutionStatus = other.ResolutionStatus, ResolvedAt = other.ResolvedAt, RunId = other.RunId, CreatedAt = other.CreatedAt } == other;
}

/// <summary>Who writes the failure and when: stamped on every record.</summary>
public sealed record RunStamp(string RunId, DateTimeOffset CreatedAt);
