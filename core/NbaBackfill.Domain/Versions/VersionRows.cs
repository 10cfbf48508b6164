using NbaBackfill.Processors;
using NbaBackfill.Tables;

namespace NbaBackfill.Versions;

/// <summary>
/// The raw version of one game date of a season: <see cref="ContentVersion"/> hashes every raw row of the date (games,
/// box scores, shot zones, rejects, and the season's teams), <see cref="ScheduleVersion"/> only what schedules are made
/// of (the games and which teams have box scores in each), so a stat correction changes the first and not the second.
/// </summary>
public sealed record RawVersionRow(
    string Season, DateOnly GameDate, string ContentVersion, string ScheduleVersion, string? ManifestHash, string Source,
    DateTimeOffset ChangedAt, DateTimeOffset LoadedAt) : ITableRow
{
    public object?[] ToValues() => [Season, GameDate, ContentVersion, ScheduleVersion, ManifestHash, Source, ChangedAt, LoadedAt];

    public static RawVersionRow From(Row r) =>
        new(r.Str(0), r.Date(1), r.Str(2), r.Str(3), r.StrOrNull(4), r.Str(5), r.Timestamp(6), r.Timestamp(7));
}

/// <summary>
/// What a node (processor, date) was last computed from and what it produced. <see cref="ChangedAt"/> is when its
/// output version last changed: a recompute to identical output keeps it, and leaves the downstream fresh.
/// </summary>
public sealed record NodeVersionRow(
    ProcessorId Processor, DateOnly TargetDate, int CodeVersion, string RawFingerprint, string UpstreamFingerprint,
    string OutputVersion, string RunId, DateTimeOffset ComputedAt, DateTimeOffset ChangedAt) : ITableRow
{
    /// <summary>The output version of a node whose last run failed (its rows were replaced by failures).</summary>
    public const string Failed = "failed";

    public object?[] ToValues() =>
        [Processor.ToString(), TargetDate, CodeVersion, RawFingerprint, UpstreamFingerprint, OutputVersion, RunId, ComputedAt, ChangedAt];

    public static NodeVersionRow From(Row r) =>
        new(ProcessorIds.Parse(r.Str(0)), r.Date(1), r.Int(2), r.Str(3), r.Str(4), r.Str(5), r.Str(6), r.Timestamp(7), r.Timestamp(8));
}

/// <summary>A stale node and why (`code PCF 2→3`, `raw 2021-11-03 changed`, `upstream PGS 2021-11-03 changed`, `never run`).</summary>
public sealed record StaleNode(ProcessorId Processor, DateOnly Date, IReadOnlyList<string> Reasons);
