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

    /// <summary>The team's scheduled games with from ≤ date ≤ to.</summary>
    public IReadOnlyList<(string GameId, DateOnly Date)> TeamGames(string season, string team, DateOnly from, DateOnly to) =>
        _teamGames.TryGetValue((season, team), out var games)
            ? games.Where(g => g.Date >= from && g.Date <= to).ToList()
            : [];

    public static async Task<IReadOnlyList<DateOnly>> GameDatesAsync(IWarehouseReader warehouse, DateRange range, CancellationToken ct) =>
        (await warehouse.ReadAsync(TableCatalog.RawGames, range, RawGame.From, ct))
            .Select(g => g.GameDate).Distinct().Order().ToList();
}
