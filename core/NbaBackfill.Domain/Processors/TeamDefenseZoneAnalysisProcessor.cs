using NbaBackfill.Reconciliation;
using NbaBackfill.Planning;
using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Processors;

public sealed record TdzaRow(
    DateOnly AnalysisDate, string Season, string TeamAbbr, int GamesInWindow, DateOnly WindowStart, DateOnly WindowEnd,
    double? OppTwoPtPct, double? OppThreePtPct, double? OppThreePtRate, double? OppFtRate, double OppPtsPerGame,
    double? OppTwoPtPctVsLeague, double? OppThreePtPctVsLeague, double? OppThreePtRateVsLeague, double? OppFtRateVsLeague,
    double? OppPtsPerGameVsLeague) : IOutputRow
{
    public static TableSchema<TdzaRow> Table { get; } = new("team_defense_zone_analysis", c => new TdzaRow(
        c.Date("analysis_date", r => r.AnalysisDate), c.Str("season", r => r.Season), c.Str("team_abbr", r => r.TeamAbbr),
        c.Int("games_in_window", r => r.GamesInWindow), c.Date("window_start_date", r => r.WindowStart),
        c.Date("window_end_date", r => r.WindowEnd), c.DblOrNull("opp_two_pt_pct", r => r.OppTwoPtPct),
        c.DblOrNull("opp_three_pt_pct", r => r.OppThreePtPct), c.DblOrNull("opp_three_pt_rate", r => r.OppThreePtRate),
        c.DblOrNull("opp_ft_rate", r => r.OppFtRate), c.Dbl("opp_pts_per_game", r => r.OppPtsPerGame),
        c.DblOrNull("opp_two_pt_pct_vs_league", r => r.OppTwoPtPctVsLeague),
        c.DblOrNull("opp_three_pt_pct_vs_league", r => r.OppThreePtPctVsLeague),
        c.DblOrNull("opp_three_pt_rate_vs_league", r => r.OppThreePtRateVsLeague),
        c.DblOrNull("opp_ft_rate_vs_league", r => r.OppFtRateVsLeague),
        c.DblOrNull("opp_pts_per_game_vs_league", r => r.OppPtsPerGameVsLeague)),
        Key: ["analysis_date", "team_abbr"], PartitionColumn: "analysis_date", Clustering: ["team_abbr"]);

    public static TableSchema Schema => Table.Schema;

    public DateOnly Date => AnalysisDate;

    public string EntityId => TeamAbbr;

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    public static TdzaRow From(Row r) => Table.From(r);
}

/// <summary>
/// TDZA: what opponents did against a team over the team's last 15 games before D (needs 10), and each value minus
/// the league's, pooled over all player rows before D. Population: teams with a scheduled game on D.
/// A team's games are the games in which its opponents have PGS rows (the upstream), ordered by date.
/// </summary>
public static class TeamDefenseZoneAnalysisProcessor
{
    /// <summary>Code version: bump it with any change to what this processor outputs (the golden test insists).</summary>
    public const int Version = 1;

    /// <summary>What the runner, planner, versions and reconciliation know about TDZA.</summary>
    public static ProcessorDescriptor Descriptor { get; } = new(
        ProcessorId.TDZA,
        [ProcessorId.PGS],
        TdzaRow.Schema,
        Version,
        ProcessorPhase.Precompute,
        RawInput.SeasonScheduleToDate,
        Population.ScheduledTeams,
        async (warehouse, range, stamp, ct) => Compute(await ReadAsync(warehouse, range, ct), range, stamp),
        Lookback: Lookback,
        BootstrapSkips: BootstrapSkips);

    public const int WindowGames = 15;
    public const int MinimumGames = 10;

    /// <param name="Games">The schedule, with the season's history before the range.</param>
    public sealed record Inputs(
        IReadOnlyList<RawGame> Games,
        IReadOnlyList<PgsRow> PlayerGames,
        IReadOnlySet<(string GameId, string TeamAbbr)>? RawTeamGames = null);

    public static async Task<Inputs> ReadAsync(IWarehouseReader warehouse, DateRange range, CancellationToken ct)
    {
        var history = await Schedule.SeasonHistoryAsync(warehouse, range, ct);
        return new(
            history.Games,
            await warehouse.ReadRowsAsync(PgsRow.Table, history.Range, ct),
            await Schedule.RawTeamGamesAsync(warehouse, history.Range, ct));
    }

    /// <summary>Summed shooting of a set of player rows.</summary>
    private readonly record struct Totals(long Fga, long Fg3a, long Fg3m, long TwoPa, long TwoPm, long Fta, long Pts, int Games)
    {
        public static Totals Of(PgsRow r) => new(r.Fga, r.Fg3a, r.Fg3m, r.TwoPa, r.TwoPm, r.Fta, r.Pts, 0);

        public static Totals operator +(Totals a, Totals b) => new(
            a.Fga + b.Fga, a.Fg3a + b.Fg3a, a.Fg3m + b.Fg3m, a.TwoPa + b.TwoPa, a.TwoPm + b.TwoPm, a.Fta + b.Fta, a.Pts + b.Pts,
            a.Games + b.Games);

        public double? TwoPtPct => Ratio.Of(TwoPm, TwoPa);
        public double? ThreePtPct => Ratio.Of(Fg3m, Fg3a);
        public double? ThreePtRate => Ratio.Of(Fg3a, Fga);
        public double? FtRate => Ratio.Of(Fta, Fga);
        public double? PtsPerGame => Ratio.Of(Pts, Games);
    }

    /// <summary>How many of a defender's games (in date order) were played before <paramref name="date"/>.</summary>
    private static int CountBefore((string GameId, DateOnly Date, Totals Totals)[] games, DateOnly date)
    {
        int lo = 0, hi = games.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (games[mid].Date < date) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>The season's league totals of the dates before <paramref name="date"/> (a date with no player rows).</summary>
    private static Totals LeagueBefore(Dictionary<(string Season, DateOnly Date), Totals> byDate, string season, DateOnly date)
    {
        var sum = new Totals();
        foreach (var (key, totals) in byDate)
        {
            if (key.Season == season && key.Date < date) sum += totals;
        }
        return sum;
    }

    /// <summary>Team windows, and league values over every player row before the date: the whole season so far.</summary>
    private static IEnumerable<(ProcessorId, DateOnly)> Lookback(DateOnly date, PlanningCalendar calendar) =>
        calendar.SeasonDatesBefore(date).Select(d => (ProcessorId.PGS, d));

    /// <summary>Teams with fewer prior games than <see cref="MinimumGames"/>: skipped as season bootstrap.</summary>
    private static int BootstrapSkips(DateOnly date, ForecastContext context) =>
        context.Calendar.SeasonOf.GetValueOrDefault(date) is { } season
            ? context.GamesOn[date].SelectMany(g => g.Teams).Count(t => context.TeamGames[(season, t)].Count(d => d < date) < MinimumGames)
            : 0;

    public static ProcessorResult Compute(Inputs inputs, DateRange range, RunStamp stamp)
    {
        var failures = new FailureRecorder(ProcessorId.TDZA, stamp);

        // Opponent totals per (season, defending team, game), and league totals per (season, date) with one team-game
        // per distinct (game, team) with rows: one pass over the player rows.
        var byGame = new Dictionary<(string Season, string Defender, string GameId), (DateOnly Date, Totals Totals)>();
        var leagueByDate = new Dictionary<(string Season, DateOnly Date), Totals>();
        var teamGames = new HashSet<(string Season, DateOnly Date, string GameId, string Team)>();
        foreach (var r in inputs.PlayerGames)
        {
            var row = Totals.Of(r);
            var key = (r.Season, r.OpponentAbbr, r.GameId);
            byGame[key] = byGame.TryGetValue(key, out var game)
                ? (game.Date, game.Totals + row)
                : (r.GameDate, row with { Games = 1 });
            var newTeamGame = teamGames.Add((r.Season, r.GameDate, r.GameId, r.TeamAbbr)) ? 1 : 0;
            leagueByDate[(r.Season, r.GameDate)] = leagueByDate.GetValueOrDefault((r.Season, r.GameDate)) + (row with { Games = newTeamGame });
        }
        var opponentGames = byGame
            .GroupBy(x => (x.Key.Season, x.Key.Defender))
            .ToDictionary(g => g.Key, g => g.Select(x => (x.Key.GameId, x.Value.Date, x.Value.Totals))
                .OrderBy(x => x.Date).ThenBy(x => x.GameId, StringComparer.Ordinal).ToArray());

        // League values before each date: the season's totals of every earlier date (integer sums, so in any order).
        var leagueBefore = new Dictionary<(string Season, DateOnly Date), Totals>();
        foreach (var season in leagueByDate.Keys.Select(k => k.Season).Distinct())
        {
            var sofar = new Totals();
            foreach (var (key, totals) in leagueByDate.Where(kv => kv.Key.Season == season).OrderBy(kv => kv.Key.Date))
            {
                leagueBefore[key] = sofar;
                sofar += totals;
            }
        }

        var schedule = new Schedule(inputs.Games);
        var opponentOf = inputs.Games.ToDictionary(g => g.GameId, g => (g.HomeTeamAbbr, g.AwayTeamAbbr));
        var rows = new List<IOutputRow>();
        var gamesInRange = inputs.Games.Where(g => range.Contains(g.GameDate)).ToList();
        var teamsByDate = gamesInRange
            .SelectMany(g => g.Teams.Select(t => (g.Season, g.GameDate, Team: t)))
            .Distinct().OrderBy(x => x.GameDate).ThenBy(x => x.Team, StringComparer.Ordinal);
        foreach (var (season, date, team) in teamsByDate)
        {
            var games = opponentGames.TryGetValue((season, team), out var all) ? all.AsSpan(0, CountBefore(all, date)) : [];
            var window = games.Length <= WindowGames ? games : games[^WindowGames..];
            if (window.Length < MinimumGames)
            {
                // The window is what opponents did: a game with no raw rows for the opponent is a gap.
                List<(string GameId, DateOnly Date)>? gaps = null;
                if (inputs.RawTeamGames is not null)
                {
                    gaps = [];
                    foreach (var g in schedule.TeamGames(season, team, DateOnly.MinValue, date.AddDays(-1)))
                    {
                        var (home, away) = opponentOf[g.GameId];
                        if (!inputs.RawTeamGames.Contains((g.GameId, team == home ? away : home))) gaps.Add(g);
                    }
                }
                failures.InsufficientData(date, team, EntityType.Team, MinimumGames, window.Length, gaps);
                continue;
            }
            var opp = new Totals();
            foreach (var x in window) opp += x.Totals;
            // Every date of the range has player rows only if its games were played: a date without is "no league yet".
            var league = leagueBefore.TryGetValue((season, date), out var before) ? before : LeagueBefore(leagueByDate, season, date);
            rows.Add(new TdzaRow(
                date, season, team, window.Length, window[0].Date, window[^1].Date, opp.TwoPtPct, opp.ThreePtPct,
                opp.ThreePtRate, opp.FtRate, opp.PtsPerGame!.Value,
                Ratio.Minus(opp.TwoPtPct, league.TwoPtPct), Ratio.Minus(opp.ThreePtPct, league.ThreePtPct),
                Ratio.Minus(opp.ThreePtRate, league.ThreePtRate), Ratio.Minus(opp.FtRate, league.FtRate),
                Ratio.Minus(opp.PtsPerGame, league.PtsPerGame)));
        }
        var dates = gamesInRange.Select(g => g.GameDate).Distinct().Order().ToList();
        return new ProcessorResult(ProcessorId.TDZA, dates, rows, failures.Records);
    }
}
