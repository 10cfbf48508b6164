using NbaBackfill.Raw;

namespace NbaBackfill.Planning;

/// <summary>
/// What the planner knows before anything runs: the schedule and which players appear in the raw box scores on each
/// date (PGS will give them rows there). Enough to compute every lookback edge exactly.
/// </summary>
public sealed class PlanningCalendar
{
    public PlanningCalendar(IEnumerable<RawGame> games, IEnumerable<(string Season, DateOnly Date, long PlayerId)> playerDates)
    {
        var gameList = games.ToList();
        Dates = gameList.Select(g => g.GameDate).Distinct().Order().ToArray();
        SeasonOf = gameList.GroupBy(g => g.GameDate).ToDictionary(g => g.Key, g => g.First().Season);
        IndexOf = Dates.Select((d, i) => (d, i)).ToDictionary(x => x.d, x => x.i);
        PlayersOn = playerDates.GroupBy(p => p.Date).ToDictionary(g => g.Key, g => g.Select(p => p.PlayerId).Distinct().ToArray());
        PlayerDates = playerDates.GroupBy(p => (p.Season, p.PlayerId))
            .ToDictionary(g => g.Key, g => g.Select(p => p.Date).Distinct().Order().ToArray());
    }

    /// <summary>Every game date known, ascending.</summary>
    public IReadOnlyList<DateOnly> Dates { get; }

    public IReadOnlyDictionary<DateOnly, int> IndexOf { get; }

    public IReadOnlyDictionary<DateOnly, string> SeasonOf { get; }

    public IReadOnlyDictionary<DateOnly, long[]> PlayersOn { get; }

    public IReadOnlyDictionary<(string Season, long PlayerId), DateOnly[]> PlayerDates { get; }

    /// <summary>Game dates of the same season strictly before <paramref name="date"/>.</summary>
    public IEnumerable<DateOnly> SeasonDatesBefore(DateOnly date) =>
        Dates.Where(d => d < date && SeasonOf[d] == SeasonOf.GetValueOrDefault(date, SeasonOf[d]));

    /// <summary>Dates of a player's games before <paramref name="date"/> in the season, newest last.</summary>
    public ReadOnlySpan<DateOnly> PlayerDatesBefore(string season, long player, DateOnly date)
    {
        if (!PlayerDates.TryGetValue((season, player), out var dates)) return [];
        var n = Array.BinarySearch(dates, date);
        return dates.AsSpan(0, n >= 0 ? n : ~n);
    }
}
