using NbaBackfill.Processors;

namespace NbaBackfill.Tables;

/// <summary>Every table of the warehouse, declared once.</summary>
public static class TableCatalog
{
    public static TableSchema RawTeams { get; } = new(
        "raw_teams", [Col.Int("team_id"), Col.Str("team_abbr"), Col.Str("team_name")],
        Key: ["team_id"], PartitionColumn: null, Clustering: []);

    public static TableSchema RawGames { get; } = new(
        "raw_games",
        [
            Col.Str("game_id"), Col.Date("game_date"), Col.Str("season"), Col.Str("home_team_abbr"), Col.Str("away_team_abbr"),
            Col.Int("home_team_id"), Col.Int("away_team_id"),
        ],
        Key: ["game_id"], PartitionColumn: "game_date", Clustering: ["game_id"]);

    public static TableSchema RawBoxScores { get; } = new(
        "raw_player_box_scores",
        [
            Col.Str("game_id"), Col.Date("game_date"), Col.Str("season"), Col.Int("team_id"), Col.Str("team_abbr"),
            Col.Str("opponent_abbr"), Col.Bool("is_home"), Col.Int("player_id"), Col.Str("player_name"), Col.Int("minutes"),
            Col.Int("fgm"), Col.Int("fga"), Col.Int("fg3m"), Col.Int("fg3a"), Col.Int("ftm"), Col.Int("fta"), Col.Int("oreb"),
            Col.Int("dreb"), Col.Int("reb"), Col.Int("ast"), Col.Int("stl"), Col.Int("blk"), Col.Int("tov"), Col.Int("pf"),
            Col.Int("pts"), Col.Int("plus_minus"),
        ],
        Key: ["game_date", "game_id", "player_id"], PartitionColumn: "game_date", Clustering: ["player_id"]);

    public static TableSchema RawShotZones { get; } = new(
        "raw_player_shot_zones",
        [
            Col.Str("game_id"), Col.Date("game_date"), Col.Str("season"), Col.Int("team_id"), Col.Int("player_id"),
            Col.Str("zone"), Col.Int("attempts"), Col.Int("makes"),
        ],
        Key: ["game_date", "game_id", "player_id", "zone"], PartitionColumn: "game_date", Clustering: ["player_id"]);

    public static TableSchema RawRejects { get; } = new(
        "raw_rejects",
        [
            Col.Str("season"), Col.Str("source_file"), Col.Int("line_number"), Col.Date("game_date", true), Col.Str("entity_id"),
            Col.Str("entity_type"), Col.Str("reason"), Col.Str("raw_line"),
        ],
        Key: ["season", "source_file", "line_number"], PartitionColumn: "game_date", Clustering: ["entity_id"]);

    public static TableSchema RawSeasons { get; } = new(
        "raw_seasons",
        [
            Col.Str("season"), Col.Bool("has_shot_zones"), Col.Date("first_game_date"), Col.Date("last_game_date"),
            Col.Int("games"), Col.Int("box_score_rows"), Col.Int("rejected_rows"), Col.Str("source"), Col.Time("loaded_at"),
        ],
        Key: ["season"], PartitionColumn: null, Clustering: []);

    private static IReadOnlyList<Column> FailureColumns { get; } =
    [
        Col.Str("processor_name"), Col.Date("analysis_date"), Col.Str("entity_id"), Col.Str("entity_type"),
        Col.Str("failure_category"), Col.Str("failure_reason"), Col.Bool("can_retry"), Col.Str("missing_game_ids", true),
        Col.Str("failure_type"), Col.Bool("is_correctable"), Col.Int("expected_game_count", true),
        Col.Int("actual_game_count", true), Col.Str("missing_game_dates", true), Col.Bool("raw_data_checked"),
        Col.Str("resolution_status"), Col.Time("resolved_at", true), Col.Str("run_id"), Col.Time("created_at"),
    ];

    public static TableSchema AnalyticsFailures { get; } = new(
        "analytics_failures", FailureColumns,
        Key: ["processor_name", "analysis_date", "entity_id", "failure_category", "created_at"],
        PartitionColumn: "analysis_date", Clustering: ["processor_name", "entity_id"]);

    public static TableSchema PrecomputeFailures { get; } = AnalyticsFailures with { Name = "precompute_failures" };

    public static TableSchema BackfillStatus { get; } = new(
        "backfill_status",
        [
            Col.Str("run_id"), Col.Str("processor"), Col.Date("target_date"), Col.Str("status"), Col.Str("error_message", true),
            Col.Int("attempt"), Col.Time("started_at", true), Col.Time("completed_at", true), Col.Int("rows_written"),
            Col.Int("failures_written"),
        ],
        Key: ["run_id", "processor", "target_date"], PartitionColumn: "target_date", Clustering: ["run_id", "processor"]);

    public static TableSchema BackfillRuns { get; } = new(
        "backfill_runs",
        [
            Col.Str("run_id"), Col.Date("from_date"), Col.Date("to_date"), Col.Str("processors"), Col.Str("options"),
            Col.Str("engine"), Col.Str("status"), Col.Bool("skip_preflight"), Col.Time("started_at"),
            Col.Time("completed_at", true), Col.Str("summary", true),
        ],
        Key: ["run_id"], PartitionColumn: null, Clustering: ["run_id"]);

    /// <summary>Raw version per (season, game date): what a node's raw input fingerprint is made of.</summary>
    public static TableSchema RawVersions { get; } = new(
        "raw_versions",
        [
            Col.Str("season"), Col.Date("game_date"), Col.Str("content_version"), Col.Str("schedule_version"),
            Col.Str("manifest_hash", true), Col.Str("source"), Col.Time("changed_at"), Col.Time("loaded_at"),
        ],
        Key: ["season", "game_date"], PartitionColumn: "game_date", Clustering: ["season"]);

    /// <summary>What each node was last computed from and what it produced (data and code versions).</summary>
    public static TableSchema NodeVersions { get; } = new(
        "node_versions",
        [
            Col.Str("processor"), Col.Date("target_date"), Col.Int("code_version"), Col.Str("raw_fingerprint"),
            Col.Str("upstream_fingerprint"), Col.Str("output_version"), Col.Str("run_id"), Col.Time("computed_at"),
            Col.Time("changed_at"),
        ],
        Key: ["processor", "target_date"], PartitionColumn: "target_date", Clustering: ["processor"]);

    /// <summary>The table a processor replaces (its descriptor's).</summary>
    public static TableSchema OutputOf(ProcessorId processor) => ProcessorRegistry.Default.Of(processor).Output;

    public static TableSchema FailuresOf(ProcessorId processor) =>
        ProcessorRegistry.Default.Of(processor).Phase == ProcessorPhase.Analytics ? AnalyticsFailures : PrecomputeFailures;

    public static IReadOnlyList<TableSchema> All { get; } =
    [
        RawTeams, RawGames, RawBoxScores, RawShotZones, RawRejects, RawSeasons,
        .. ProcessorIds.All.Select(OutputOf),
        AnalyticsFailures, PrecomputeFailures, BackfillStatus, BackfillRuns, RawVersions, NodeVersions,
    ];

    public static bool TryFind(string name, out TableSchema table)
    {
        table = All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))!;
        return table is not null;
    }
}
