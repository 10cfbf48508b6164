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
    public static TableSchema<RawVersionRow> Table { get; } = new("raw_versions", c => new RawVersionRow(
        c.Str("season", r => r.Season), c.Date("game_date", r => r.GameDate), c.Str("content_version", r => r.ContentVersion),
        c.Str("schedule_version", r => r.ScheduleVersion), c.StrOrNull("manifest_hash", r => r.ManifestHash),
        c.Str("source", r => r.Source), c.Time("changed_at", r => r.ChangedAt), c.Time("loaded_at", r => r.LoadedAt)),
        Key: ["season", "game_date"], PartitionColumn: "game_date", Clustering: ["season"]);

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    public static RawVersionRow From(Row r) => Table.From(r);
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

    public static TableSchema<NodeVersionRow> Table { get; } = new("node_versions", c => new NodeVersionRow(
        ProcessorIds.ParseStored(c.Str("processor", r => r.Processor.Name)), c.Date("target_date", r => r.TargetDate),
        c.Int("code_version", r => r.CodeVersion), c.Str("raw_fingerprint", r => r.RawFingerprint),
        c.Str("upstream_fingerprint", r => r.UpstreamFingerprint), c.Str("output_version", r => r.OutputVersion),
        c.Str("run_id", r => r.RunId), c.Time("computed_at", r => r.ComputedAt), c.Time("changed_at", r => r.ChangedAt)),
        Key: ["processor", "target_date"], PartitionColumn: "target_date", Clustering: ["processor"]);

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    public static NodeVersionRow From(Row r) => Table.From(r);
}

/// <summary>A stale node and why (`code PCF 2→3`, `raw 2021-11-03 changed`, `upstream PGS 2021-11-03 changed`, `never run`).</summary>
public sealed record StaleNode(ProcessorId Processor, DateOnly Date, IReadOnlyList<string> Reasons);
