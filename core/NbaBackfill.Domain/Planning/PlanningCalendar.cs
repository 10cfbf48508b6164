using System.Collections.Concurrent;
using NbaBackfill.Processors;
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
        var seasonOf = new Dictionary<DateOnly, string>();
        foreach (var g in games) seasonOf.TryAdd(g.GameDate, g.Season);
        Dates = seasonOf.Keys.Order().ToArray();
        SeasonOf = seasonOf;
        IndexOf = Dates.Select((d, i) => (d, i)).ToDictionary(x => x.d, x => x.i);
        // One pass over the box-score keys (a season's worth on every activity): sets, not LINQ groupings.
        var playersOn = new Dictionary<DateOnly, HashSet<long>>();
        var datesOf = new Dictionary<(string, long), HashSet<DateOnly>>();
        foreach (var (season, date, player) in playerDates)
        {
            (playersOn.TryGetValue(date, out var players) ? players : playersOn[date] = []).Add(player);
            (datesOf.TryGetValue((season, player), out var dates) ? dates : datesOf[(season, player)] = []).Add(date);
        }
        PlayersOn = playersOn.ToDictionary(x => x.Key, x => x.Value.ToArray());
        PlayerDates = datesOf.ToDictionary(x => x.Key, x =>
        {
            var dates = x.Value.ToArray();
            Array.Sort(dates);
            return dates;
        });
    }

    /// <summary>Every game date known, ascending.</summary>
    public IReadOnlyList<DateOnly> Dates { get; }

    public IReadOnlyDictionary<DateOnly, int> IndexOf { get; }

    public IReadOnlyDictionary<DateOnly, string> SeasonOf { get; }

    public IReadOnlyDictionary<DateOnly, long[]> PlayersOn { get; }

    public IReadOnlyDictionary<(string Season, long PlayerId), DateOnly[]> PlayerDates { get; }

    // A node's dependencies are a pure function of this (immutable) calendar and the processors' descriptors: computed
    // once per calendar, they serve the planner and every fingerprint of the run's activities, which share the calendar
    // (measured: the lookbacks' walks over every player's earlier dates were 26 ms of a season's plan, and as much again in
    // the activities' fingerprints).
    private readonly ConcurrentDictionary<(ProcessorRegistry Registry, ProcessorId Processor, DateOnly Date), IReadOnlyList<(ProcessorId, DateOnly)>> _dependencies = new();

    internal IReadOnlyList<(ProcessorId Processor, DateOnly Date)> DependenciesOf(
        ProcessorRegistry registry, ProcessorId processor, DateOnly date, Func<IReadOnlyList<(ProcessorId, DateOnly)>> compute) =>
        _dependencies.TryGetValue((registry, processor, date), out var known) ? known : _dependencies.GetOrAdd((registry, processor, date), compute());

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
