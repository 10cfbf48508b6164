using NbaBackfill.Reconciliation;
using NbaBackfill.Planning;
using System.Globalization;
using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Tables;

namespace NbaBackfill.Processors;

public sealed record MlfsRow(
    DateOnly GameDate, string Season, long PlayerId, IReadOnlyList<double> Features, IReadOnlyList<string> FeatureNames,
    string FeatureVersion, int FeatureCount, double FeatureQualityScore) : IOutputRow
{
    public static TableSchema<MlfsRow> Table { get; } = new("ml_feature_store_v2", c => new MlfsRow(
        c.Date("game_date", r => r.GameDate), c.Str("season", r => r.Season), c.Int64("player_id", r => r.PlayerId),
        c.Doubles("features", r => [.. r.Features]), c.Strings("feature_names", r => [.. r.FeatureNames]),
        c.Str("feature_version", r => r.FeatureVersion), c.Int("feature_count", r => r.FeatureCount),
        c.Dbl("feature_quality_score", r => r.FeatureQualityScore)),
        Key: ["game_date", "player_id"], PartitionColumn: "game_date", Clustering: ["player_id"]);

    public static TableSchema Schema => Table.Schema;

    public DateOnly Date => GameDate;

    public string EntityId => PlayerId.ToString(CultureInfo.InvariantCulture);

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    public static MlfsRow From(Row r) => Table.From(r);
}

/// <summary>
/// MLFS: the model's fixed-order feature vector for a player's game on D. Needs PDC(P, D). A feature that cannot be
/// computed (e.g. days_rest on a first game) is stored as NaN — BigQuery arrays cannot hold NULL — and lowers
/// feature_quality_score = 100 · computed features / all features.
/// </summary>
public static class MlFeatureStoreProcessor
{
    /// <summary>Code version: bump it with any change to what this processor outputs (the golden test insists).</summary>
    public const int Version = 1;

    /// <summary>What the runner, planner, versions and reconciliation know about MLFS.</summary>
    public static ProcessorDescriptor Descriptor { get; } = new(
        ProcessorId.MLFS,
        [ProcessorId.PDC],
        MlfsRow.Schema,
        Version,
        ProcessorPhase.Precompute,
        RawInput.None,
        Population.PlayersWithGames,
        async (warehouse, range, stamp, ct) => Compute(await ReadAsync(warehouse, range, ct), range, stamp));

    public const string FeatureSetVersion = "v2";

    public static IReadOnlyList<string> FeatureNames { get; } =
    [
        "pts_avg_last_5", "pts_avg_last_10", "pts_avg_season", "reb_avg_last_10", "ast_avg_last_10", "minutes_avg_last_10",
        "fga_avg_last_10", "fg3a_avg_last_10", "two_pt_rate", "three_pt_rate", "two_pt_pct", "three_pt_pct", "ft_rate",
        "opp_pts_per_game", "opp_two_pt_pct_vs_league", "opp_three_pt_pct_vs_league", "shot_zone_mismatch", "fatigue_score",
        "days_rest", "is_back_to_back", "is_home", "games_last_7_days", "games_last_14_days", "completeness",
    ];

    /// <summary>What MLFS needs of a player's game: its population and is_home.</summary>
    public sealed record PlayerGame(DateOnly GameDate, string Season, long PlayerId, string OpponentAbbr, bool IsHome)
    {
        public string EntityId => PlayerId.ToString(CultureInfo.InvariantCulture);
    }

    public sealed record Inputs(
        IReadOnlyList<DateOnly> GameDates,
        IReadOnlyList<PlayerGame> PlayerGames,
        IReadOnlyList<PszaRow> ShotZones,
        IReadOnlyList<TdzaRow> TeamDefense,
        IReadOnlyList<PcfRow> CompositeFactors,
        IReadOnlyList<PdcRow> DailyCache,
        IReadOnlyList<FailureRecord> UpstreamFailures);

    public static async Task<Inputs> ReadAsync(IWarehouseReader warehouse, DateRange range, CancellationToken ct) => new(
        await Schedule.GameDatesAsync(warehouse, range, ct),
        await warehouse.ReadColumnsAsync(PgsRow.Schema, range, ["game_date", "season", "player_id", "opponent_abbr", "is_home"],
            r => new PlayerGame(r.Date("game_date"), r.Str("season"), r.Int64("player_id"), r.Str("opponent_abbr"), r.Bool("is_home")), ct),
        await warehouse.ReadRowsAsync(PszaRow.Table, range, ct),
        await warehouse.ReadRowsAsync(TdzaRow.Table, range, ct),
        await warehouse.ReadRowsAsync(PcfRow.Table, range, ct),
        await warehouse.ReadRowsAsync(PdcRow.Table, range, ct),
        await warehouse.ReadUnresolvedFailuresAsync(ProcessorId.PDC, range, ct));

    public static ProcessorResult Compute(Inputs inputs, DateRange range, RunStamp stamp)
    {
        var failures = new FailureRecorder(ProcessorId.MLFS, stamp);
        var psza = inputs.ShotZones.ToDictionary(r => (r.AnalysisDate, r.PlayerId));
        var tdza = inputs.TeamDefense.ToDictionary(r => (r.AnalysisDate, r.TeamAbbr));
        var pcf = inputs.CompositeFactors.ToDictionary(r => (r.GameDate, r.PlayerId));
        var pdc = inputs.DailyCache.ToDictionary(r => (r.CacheDate, r.PlayerId));
        var upstream = UpstreamFailureIndex.Of(inputs.UpstreamFailures);
        var rows = new List<IOutputRow>();
        foreach (var game in inputs.PlayerGames.Where(g => range.Contains(g.GameDate)).OrderBy(g => g.GameDate).ThenBy(g => g.PlayerId))
        {
            var key = (game.GameDate, game.PlayerId);
            if (!pdc.TryGetValue(key, out var cache))
            {
                upstream.Explain(failures, ProcessorId.PDC, game.GameDate, game.EntityId, EntityType.Player, game.EntityId);
                continue;
            }
            // PDC exists only where PCF (hence PSZA and TDZA) rows existed; a later re-run upstream can still remove them.
            if (!pcf.TryGetValue(key, out var factors))
            {
                upstream.Explain(failures, ProcessorId.PCF, game.GameDate, game.EntityId, EntityType.Player, game.EntityId);
                continue;
            }
            if (!psza.TryGetValue(key, out var shots))
            {
                upstream.Explain(failures, ProcessorId.PSZA, game.GameDate, game.EntityId, EntityType.Player, game.EntityId);
                continue;
            }
            if (!tdza.TryGetValue((game.GameDate, game.OpponentAbbr), out var defense))
            {
                upstream.Explain(failures, ProcessorId.TDZA, game.GameDate, game.EntityId, EntityType.Player, game.OpponentAbbr);
                continue;
            }
            double?[] values =
            [
                cache.Pts.Last5, cache.Pts.Last10, cache.Pts.Season, cache.Reb.Last10, cache.Ast.Last10, cache.Minutes.Last10,
                cache.Fga.Last10, cache.Fg3a.Last10, shots.TwoPtRate, shots.ThreePtRate, shots.TwoPtPct, shots.ThreePtPct,
                shots.FtRate, defense.OppPtsPerGame, defense.OppTwoPtPctVsLeague, defense.OppThreePtPctVsLeague,
                factors.ShotZoneMismatch, factors.FatigueScore, factors.DaysRest, factors.IsBackToBack ? 1 : 0,
                game.IsHome ? 1 : 0, factors.GamesLast7Days, cache.GamesLast14Days, cache.Completeness,
            ];
            var features = new double[values.Length];
            var present = 0;
            for (var i = 0; i < values.Length; i++)
            {
                features[i] = values[i] ?? double.NaN;
                if (values[i] is not null) present++;
            }
            rows.Add(new MlfsRow(
                game.GameDate, game.Season, game.PlayerId, features, FeatureNames, FeatureSetVersion,
                values.Length, 100.0 * present / values.Length));
        }
        return new ProcessorResult(ProcessorId.MLFS, inputs.GameDates, rows, failures.Records);
    }
}
