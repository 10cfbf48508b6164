using NbaBackfill.Calendar;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Processors;

/// <summary>The schedule (raw games): which dates are game dates, and each team's games in date order.</summary>
public sealed class Schedule
{
    private readonly Dictionary<(string Season, string Team), (string GameId, DateOnly Date)[]> _teamGames;

    public Schedule(IEnumerable<RawGame> games)
    {
        Games = games.OrderBy(g => g.GameDate).ThenBy(g => g.GameId, StringComparer.Ordinal).ToList();
        _teamGames = Games
            .SelectMany(g => g.Teams.Select(t => (g.Season, Team: t, g.GameId, g.GameDate)))
            .GroupBy(x => (x.Season, x.Team))
            .ToDictionary(x => x.Key, x => x.Select(y => (y.GameId, y.GameDate)).ToArray());
    }

    public IReadOnlyList<RawGame> Games { get; }

    /// <summary>The team's scheduled games with from ≤ date ≤ to, oldest first (a slice of its season: no copy).</summary>
    public ReadOnlySpan<(string GameId, DateOnly Date)> TeamGames(string season, string team, DateOnly from, DateOnly to)
    {
        if (!_teamGames.TryGetValue((season, team), out var games)) return [];
        var first = FirstOnOrAfter(games, from);
        var end = to == DateOnly.MaxValue ? games.Length : FirstOnOrAfter(games, to.AddDays(1));
        return games.AsSpan(first, Math.Max(0, end - first));
    }

    /// <summary>The index of the first game on or after <paramref name="date"/> (games are in date order).</summary>
    private static int FirstOnOrAfter((string GameId, DateOnly Date)[] games, DateOnly date)
    {
        if (date == DateOnly.MinValue) return 0;
        int lo = 0, hi = games.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (games[mid].Date < date) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>The team's scheduled games of the season before <paramref name="date"/> that have no raw rows for the team.</summary>
    public IReadOnlyList<(string GameId, DateOnly Date)> GamesWithoutRawRows(
        string season, string team, DateOnly date, IReadOnlySet<(string GameId, string TeamAbbr)> rawTeamGames)
    {
        var gaps = new List<(string GameId, DateOnly Date)>();
        foreach (var g in TeamGames(season, team, DateOnly.MinValue, date.AddDays(-1)))
        {
            if (!rawTeamGames.Contains((g.GameId, team))) gaps.Add(g);
        }
        return gaps;
    }

    /// <summary>(game, team) pairs that have raw box-score rows: how a missing row is told apart from a data gap.</summary>
    public static async Task<IReadOnlySet<(string GameId, string TeamAbbr)>> RawTeamGamesAsync(
        IWarehouseReader warehouse, DateRange range, CancellationToken ct) =>
        (await warehouse.ReadColumnsAsync(TableCatalog.RawBoxScores, range, ["game_id", "team_abbr"], r => (GameId: r.Str("game_id"), TeamAbbr: r.Str("team_abbr")), ct, distinct: true)).ToHashSet();

    public static async Task<IReadOnlyList<DateOnly>> GameDatesAsync(IWarehouseReader warehouse, DateRange range, CancellationToken ct) =>
        (await warehouse.ReadRowsAsync(RawGame.Table, range, ct))
            .Select(g => g.GameDate).Distinct().Order().ToList();

    /// <summary>
    /// The dates a range's lookbacks can reach — from the first game date of its seasons ("before D" never leaves D's
    /// season) — and the games on them. The year-back window bounds the search only: read whole, it is the entire
    /// previous season for a range at the start of one. The window's games are read as every processor reads them
    /// (one cached read per batch).
    /// </summary>
    public static async Task<SeasonHistory> SeasonHistoryAsync(IWarehouseReader warehouse, DateRange range, CancellationToken ct)
    {
        var games = await warehouse.ReadRowsAsync(RawGame.Table, range.WithSeasonHistory(), ct);
        var seasons = games.Where(g => range.Contains(g.GameDate)).Select(g => g.Season).ToHashSet(StringComparer.Ordinal);
        var first = games.Where(g => seasons.Contains(g.Season)).Select(g => g.GameDate).DefaultIfEmpty(range.From).Min();
        var history = new DateRange(first < range.From ? first : range.From, range.To);
        return new SeasonHistory(history, games.Where(g => history.Contains(g.GameDate)).ToList());
    }
}

/// <summary>A range's season-to-date history (<see cref="Schedule.SeasonHistoryAsync"/>) and its games.</summary>
public sealed record SeasonHistory(DateRange Range, IReadOnlyList<RawGame> Games);
