using NbaBackfill.Reconciliation;
using NbaBackfill.Planning;
using System.Globalization;
using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Processors;

/// <summary>Averages of one stat over the last 5, last 10 and season-to-date games before D.</summary>
public sealed record StatAverages(double Last5, double Last10, double Season);

public sealed record PdcRow(
    DateOnly CacheDate, string Season, long PlayerId, string TeamAbbr, StatAverages Pts, StatAverages Reb,
    StatAverages Ast, StatAverages Minutes, StatAverages Fga, StatAverages Fg3a, int GamesPlayedSeason,
    int GamesLast14Days, int TeamGamesLast14Days, double Completeness) : IOutputRow
{
    public static readonly string[] Stats = ["pts", "reb", "ast", "minutes", "fga", "fg3a"];

    public static TableSchema Schema { get; } = new(
        "player_daily_cache",
        [
            Col.Date("cache_date"), Col.Str("season"), Col.Int("player_id"), Col.Str("team_abbr"),
            .. Stats.SelectMany(s => new[] { Col.Dbl($"{s}_avg_last_5", false), Col.Dbl($"{s}_avg_last_10", false), Col.Dbl($"{s}_avg_season", false) }),
            Col.Int("games_played_season"), Col.Int("games_last_14_days"), Col.Int("team_games_last_14_days"),
            Col.Dbl("completeness", false),
        ],
        Key: ["cache_date", "player_id"], PartitionColumn: "cache_date", Clustering: ["player_id"]);

    public DateOnly Date => CacheDate;

    public string EntityId => PlayerId.ToString(CultureInfo.InvariantCulture);

    public object?[] ToValues() =>
    [
        CacheDate, Season, PlayerId, TeamAbbr,
        .. new[] { Pts, Reb, Ast, Minutes, Fga, Fg3a }.SelectMany(a => new object?[] { a.Last5, a.Last10, a.Season }),
        GamesPlayedSeason, GamesLast14Days, TeamGamesLast14Days, Completeness,
    ];

    public static PdcRow From(Row r)
    {
        StatAverages At(int i) => new(r.Dbl(4 + (3 * i)), r.Dbl(5 + (3 * i)), r.Dbl(6 + (3 * i)));
        return new PdcRow(
            r.Date(0), r.Str(1), Convert.ToInt64(r.Values[2], CultureInfo.InvariantCulture), r.Str(3), At(0), At(1), At(2),
            At(3), At(4), At(5), r.Int(22), r.Int(23), r.Int(24), r.Dbl(25));
    }
}

/// <summary>
/// PDC: the per-player cache of recent and season averages. Needs PCF(P, D), at least 5 games before D, and
/// completeness ≥ 0.9 over the last 14 days; an incomplete player-date is classified PLAYER_DNP (his team played
/// and has raw rows: he sat), DATA_GAP (no raw rows for his team: correctable by re-ingesting) or MIXED.
/// </summary>
public static class PlayerDailyCacheProcessor
{
    /// <summary>Code version: bump it with any change to what this processor outputs (the golden test insists).</summary>
    public const int Version = 1;

    /// <summary>What the runner, planner, versions and reconciliation know about PDC.</summary>
    public static ProcessorDescriptor Descriptor { get; } = new(
        ProcessorId.PDC,
        [ProcessorId.PCF],
        PdcRow.Schema,
        Version,
        ProcessorPhase.Precompute,
        RawInput.SeasonScheduleToDate,
        Population.PlayersWithGames,
        async (warehouse, range, stamp, ct) => Compute(await ReadAsync(warehouse, range, ct), range, stamp),
        Lookback: Lookback);

    public const int MinimumGames = 5;
    public const int CompletenessWindowDays = 14;

    public sealed record Inputs(
        IReadOnlyList<RawGame> Schedule,
        IReadOnlyList<PgsRow> PlayerGames,
        IReadOnlySet<(DateOnly Date, long PlayerId)> CompositeFactorKeys,
        IReadOnlyList<FailureRecord> UpstreamFailures,
        IReadOnlySet<(string GameId, string TeamAbbr)> RawTeamGames);

    public static async Task<Inputs> ReadAsync(IWarehouseReader warehouse, DateRange range, CancellationToken ct)
    {
        var history = await Schedule.SeasonHistoryAsync(warehouse, range, ct);
        var raw = await Schedule.RawTeamGamesAsync(warehouse, new DateRange(range.From.AddDays(-CompletenessWindowDays), range.To), ct);
        return new Inputs(
            history.Games,
            await warehouse.ReadAsync(PgsRow.Schema, history.Range, PgsRow.From, ct),
            (await warehouse.ReadProjectedAsync(PcfRow.Schema, range, ["game_date", "player_id"], false,
                r => (r.Date(0), Convert.ToInt64(r.Values[2], CultureInfo.InvariantCulture)), ct)).ToHashSet(),
            await warehouse.ReadUnresolvedFailuresAsync(ProcessorId.PCF, range, ct),
            raw);
    }

    /// <summary>Season-to-date averages of every player, and the 14-day completeness window (rows of every game).</summary>
    private static IEnumerable<(ProcessorId, DateOnly)> Lookback(DateOnly date, PlanningCalendar calendar)
    {
        var nodes = new List<(ProcessorId, DateOnly)>();
        if (calendar.SeasonOf.GetValueOrDefault(date) is { } season)
        {
            foreach (var player in calendar.PlayersOn.GetValueOrDefault(date, []))
            {
                foreach (var d in calendar.PlayerDatesBefore(season, player, date)) nodes.Add((ProcessorId.PGS, d));
            }
        }
        nodes.AddRange(calendar.SeasonDatesBefore(date).Where(d => d >= date.AddDays(-CompletenessWindowDays)).Select(d => (ProcessorId.PGS, d)));
        return nodes;
    }

    public static ProcessorResult Compute(Inputs inputs, DateRange range, RunStamp stamp)
    {
        var failures = new FailureRecorder(ProcessorId.PDC, stamp);
        var history = new PlayerHistory(inputs.PlayerGames);
        var schedule = new Schedule(inputs.Schedule);
        var pcf = inputs.CompositeFactorKeys;
        var upstream = UpstreamFailureIndex.Of(inputs.UpstreamFailures);
        var rows = new List<IOutputRow>();
        foreach (var game in inputs.PlayerGames.Where(g => range.Contains(g.GameDate)).OrderBy(g => g.GameDate).ThenBy(g => g.PlayerId))
        {
            var date = game.GameDate;
            if (!pcf.Contains((date, game.PlayerId)))
            {
                upstream.Explain(failures, ProcessorId.PCF, date, game.EntityId, EntityType.Player, game.EntityId);
                continue;
            }
            var before = history.Before(game.Season, game.PlayerId, date);
            if (before.Length < MinimumGames)
            {
                failures.InsufficientData(date, game.EntityId, EntityType.Player, MinimumGames, before.Length);
                continue;
            }
            var windowStart = date.AddDays(-CompletenessWindowDays);
            var recent = new HashSet<string>(StringComparer.Ordinal);
            for (var i = before.Length - 1; i >= 0 && before[i].GameDate >= windowStart; i--)
            {
                recent.Add(before[i].GameId);
            }
            var teamGames = schedule.TeamGames(game.Season, game.TeamAbbr, windowStart, date.AddDays(-1));
            var verdict = CompletenessVerdict.Evaluate(
                teamGames, recent.Count, recent, gameId => inputs.RawTeamGames.Contains((gameId, game.TeamAbbr)));
            if (!verdict.Passes)
            {
                failures.IncompleteData(date, game.EntityId, verdict);
                continue;
            }
            rows.Add(new PdcRow(
                date, game.Season, game.PlayerId, game.TeamAbbr, Averages(before, g => g.Pts), Averages(before, g => g.Reb),
                Averages(before, g => g.Ast), Averages(before, g => g.Minutes), Averages(before, g => g.Fga),
                Averages(before, g => g.Fg3a), before.Length, recent.Count, teamGames.Count, verdict.Completeness));
        }
        var dates = inputs.Schedule.Select(g => g.GameDate).Where(range.Contains).Distinct().Order().ToList();
        return new ProcessorResult(ProcessorId.PDC, dates, rows, failures.Records);
    }

    private static StatAverages Averages(ReadOnlySpan<PgsRow> before, Func<PgsRow, int> stat)
    {
        double Mean(ReadOnlySpan<PgsRow> games)
        {
            long sum = 0;
            foreach (var g in games) sum += stat(g);
            return (double)sum / games.Length;
        }
        return new StatAverages(
            Mean(before[Math.Max(0, before.Length - 5)..]), Mean(before[Math.Max(0, before.Length - 10)..]), Mean(before));
    }
}
