namespace NbaBackfill.Processors;

/// <summary>
/// Every player's games in one season, ordered by game_date (never game_id: postponed games were played out of id
/// order), keyed by player_id across teams. Built once per processor call: the set-based core of the windows.
/// </summary>
public sealed class PlayerHistory
{
    private readonly Dictionary<(string Season, long PlayerId), PgsRow[]> _games;

    // A history is a pure function of its rows, and read rows are immutable: while a history cache hands every processor
    // of a batch the same list (PSZA, PCF and PDC read the same season), the history built from it is shared.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<PgsRow>, PlayerHistory> Built = new();

    /// <summary>The history of <paramref name="rows"/>, built once per list.</summary>
    public static PlayerHistory Of(IReadOnlyList<PgsRow> rows) => Built.GetValue(rows, r => new PlayerHistory(r));

    public PlayerHistory(IEnumerable<PgsRow> rows) =>
        _games = rows.GroupBy(r => (r.Season, r.PlayerId))
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.GameDate).ThenBy(r => r.GameId, StringComparer.Ordinal).ToArray());

    /// <summary>The player's games of the season strictly before <paramref name="date"/>, oldest first.</summary>
    public ReadOnlySpan<PgsRow> Before(string season, long playerId, DateOnly date)
    {
        if (!_games.TryGetValue((season, playerId), out var games))
        {
            return [];
        }
        var lo = 0;
        var hi = games.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (games[mid].GameDate < date) lo = mid + 1; else hi = mid;
        }
        return games.AsSpan(0, lo);
    }

    /// <summary>The last <paramref name="count"/> games before the date (fewer at the start of a season).</summary>
    public ReadOnlySpan<PgsRow> LastBefore(string season, long playerId, DateOnly date, int count)
    {
        var before = Before(season, playerId, date);
        return before.Length <= count ? before : before[^count..];
    }
}
