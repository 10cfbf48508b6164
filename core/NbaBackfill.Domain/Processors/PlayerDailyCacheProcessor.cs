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
    public static TableSchema<PdcRow> Table { get; } = new("player_daily_cache", c => new PdcRow(
        c.Date("cache_date", r => r.CacheDate), c.Str("season", r => r.Season), c.Int64("player_id", r => r.PlayerId),
        c.Str("team_abbr", r => r.TeamAbbr), Averages(c, "pts", r => r.Pts), Averages(c, "reb", r => r.Reb),
        Averages(c, "ast", r => r.Ast), Averages(c, "minutes", r => r.Minutes), Averages(c, "fga", r => r.Fga),
        Averages(c, "fg3a", r => r.Fg3a), c.Int("games_played_season", r => r.GamesPlayedSeason),
        c.Int("games_last_14_days", r => r.GamesLast14Days), c.Int("team_games_last_14_days", r => r.TeamGamesLast14Days),
        c.Dbl("completeness", r => r.Completeness)),
        Key: ["cache_date", "player_id"], PartitionColumn: "cache_date", Clustering: ["player_id"]);

    public static TableSchema Schema => Table.Schema;

    /// <summary>A stat's three averages: {stat}_avg_last_5, _last_10, _season.</summary>
    /// <remarks>Reading a row builds no names or accessors (MLFS reads the season's PDC rows back): only declaring does.</remarks>
    private static StatAverages Averages(Columns<PdcRow> c, string stat, Func<PdcRow, StatAverages> get) =>
        c.IsDeclaring ? DeclareAverages(c, stat, get) : new(c.Dbl(stat, null!), c.Dbl(stat, null!), c.Dbl(stat, null!));

    private static StatAverages DeclareAverages(Columns<PdcRow> c, string stat, Func<PdcRow, StatAverages> get) => new(
        c.Dbl($"{stat}_avg_last_5", r => get(r).Last5), c.Dbl($"{stat}_avg_last_10", r => get(r).Last10),
        c.Dbl($"{stat}_avg_season", r => get(r).Season));

    public DateOnly Date => CacheDate;

    public string EntityId => PlayerId.ToString(CultureInfo.InvariantCulture);

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    public static PdcRow From(Row r) => Table.From(r);
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
            await warehouse.ReadRowsAsync(PgsRow.Table, history.Range, ct),
            (await warehouse.ReadColumnsAsync(PcfRow.Schema, range, ["game_date", "player_id"],
                r => (r.Date("game_date"), r.Int64("player_id")), ct)).ToHashSet(),
            await warehouse.ReadUnresolvedFailuresAsync(ProcessorId.PCF, range, ct),
            raw);
    }

    /// <summary>Season-to-date averages of every player, and the 14-day completeness window (rows of every game).</summary>
    private static IEnumerable<(ProcessorId, DateOnly)> Lookback(DateOnly date, PlanningCalendar calendar)
    {
        // The players' earlier dates overlap almost entirely (a whole roster's season so far): marked once per
        // calendar date instead of listed once per player, they come out distinct and in order.
        if (calendar.SeasonOf.GetValueOrDefault(date) is not { } season) return [];
        var read = new bool[calendar.Dates.Count];
        foreach (var player in calendar.PlayersOn.GetValueOrDefault(date, []))
        {
            foreach (var d in calendar.PlayerDatesBefore(season, player, date)) read[calendar.IndexOf[d]] = true;
        }
        var windowStart = date.AddDays(-CompletenessWindowDays);
        var nodes = new List<(ProcessorId, DateOnly)>();
        for (var i = 0; i < read.Length && calendar.Dates[i] < date; i++)
        {
            var d = calendar.Dates[i];
            if (read[i] || (d >= windowStart && calendar.SeasonOf[d] == season)) nodes.Add((ProcessorId.PGS, d));
        }
        return nodes;
    }

    public static ProcessorResult Compute(Inputs inputs, DateRange range, RunStamp stamp)
    {
        var failures = new FailureRecorder(ProcessorId.PDC, stamp);
        var history = PlayerHistory.Of(inputs.PlayerGames);
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
            // The player's games of the 14-day window: the tail of his season so far (one row per game: the key).
            var windowStart = date.AddDays(-CompletenessWindowDays);
            var first = before.Length;
            while (first > 0 && before[first - 1].GameDate >= windowStart) first--;
            var recent = before[first..];
            var played = DistinctGames(recent);
            var teamGames = schedule.TeamGames(game.Season, game.TeamAbbr, windowStart, date.AddDays(-1));
            var completeness = CompletenessVerdict.CompletenessOf(teamGames.Length, played);
            if (completeness < CompletenessVerdict.Threshold)
            {
                // Only a failure needs which games are missing and why.
                var recentIds = new HashSet<string>(StringComparer.Ordinal);
                foreach (var r in recent) recentIds.Add(r.GameId);
                var team = game.TeamAbbr;
                failures.IncompleteData(date, game.EntityId, CompletenessVerdict.Evaluate(
                    teamGames, played, recentIds.Contains, gameId => inputs.RawTeamGames.Contains((gameId, team))));
                continue;
            }
            Sums last5 = Sums.Of(before[Math.Max(0, before.Length - 5)..]), last10 = Sums.Of(before[Math.Max(0, before.Length - 10)..]), season = Sums.Of(before);
            rows.Add(new PdcRow(
                date, game.Season, game.PlayerId, game.TeamAbbr,
                new(last5.Mean(last5.Pts), last10.Mean(last10.Pts), season.Mean(season.Pts)),
                new(last5.Mean(last5.Reb), last10.Mean(last10.Reb), season.Mean(season.Reb)),
                new(last5.Mean(last5.Ast), last10.Mean(last10.Ast), season.Mean(season.Ast)),
                new(last5.Mean(last5.Minutes), last10.Mean(last10.Minutes), season.Mean(season.Minutes)),
                new(last5.Mean(last5.Fga), last10.Mean(last10.Fga), season.Mean(season.Fga)),
                new(last5.Mean(last5.Fg3a), last10.Mean(last10.Fg3a), season.Mean(season.Fg3a)),
                before.Length, played, teamGames.Length, completeness));
        }
        var dates = inputs.Schedule.Select(g => g.GameDate).Where(range.Contains).Distinct().Order().ToList();
        return new ProcessorResult(ProcessorId.PDC, dates, rows, failures.Records);
    }

    /// <summary>How many distinct games the rows are of (a handful: compared pairwise, no set).</summary>
    private static int DistinctGames(ReadOnlySpan<PgsRow> rows)
    {
        var distinct = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            var seen = false;
            for (var j = 0; j < i && !seen; j++) seen = string.Equals(rows[j].GameId, rows[i].GameId, StringComparison.Ordinal);
            if (!seen) distinct++;
        }
        return distinct;
    }

    /// <summary>The averaged stats summed over some games, in one pass.</summary>
    private readonly record struct Sums(int Games, long Pts, long Reb, long Ast, long Minutes, long Fga, long Fg3a)
    {
        public static Sums Of(ReadOnlySpan<PgsRow> games)
        {
            long pts = 0, reb = 0, ast = 0, minutes = 0, fga = 0, fg3a = 0;
            foreach (var g in games)
            {
                pts += g.Pts; reb += g.Reb; ast += g.Ast; minutes += g.Minutes; fga += g.Fga; fg3a += g.Fg3a;
            }
            return new(games.Length, pts, reb, ast, minutes, fga, fg3a);
        }

        public double Mean(long sum) => (double)sum / Games;
    }
}
