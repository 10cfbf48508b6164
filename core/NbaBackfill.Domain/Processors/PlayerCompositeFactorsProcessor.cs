using NbaBackfill.Reconciliation;
using NbaBackfill.Planning;
using System.Globalization;
using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Tables;

namespace NbaBackfill.Processors;

public sealed record PcfRow(
    DateOnly GameDate, string Season, long PlayerId, string TeamAbbr, string OpponentAbbr, bool IsHome, int? DaysRest,
    bool IsBackToBack, int GamesLast7Days, int MinutesLast7Days, double FatigueScore, double? ShotZoneMismatch) : IOutputRow
{
    public static TableSchema<PcfRow> Table { get; } = new("player_composite_factors", c => new PcfRow(
        c.Date("game_date", r => r.GameDate), c.Str("season", r => r.Season), c.Int64("player_id", r => r.PlayerId),
        c.Str("team_abbr", r => r.TeamAbbr), c.Str("opponent_abbr", r => r.OpponentAbbr), c.Bool("is_home", r => r.IsHome),
        c.IntOrNull("days_rest", r => r.DaysRest), c.Bool("is_back_to_back", r => r.IsBackToBack),
        c.Int("games_last_7_days", r => r.GamesLast7Days), c.Int("minutes_last_7_days", r => r.MinutesLast7Days),
        c.Dbl("fatigue_score", r => r.FatigueScore), c.DblOrNull("shot_zone_mismatch", r => r.ShotZoneMismatch)),
        Key: ["game_date", "player_id"], PartitionColumn: "game_date", Clustering: ["player_id"]);

    public static TableSchema Schema => Table.Schema;

    public DateOnly Date => GameDate;

    public string EntityId => PlayerId.ToString(CultureInfo.InvariantCulture);

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    public static PcfRow From(Row r) => Table.From(r);
}

/// <summary>
/// PCF: rest, fatigue and the player-vs-defense shot mismatch for a player's game on D. Needs PSZA(P, D) and
/// TDZA(opponent, D); a missing one is MISSING_UPSTREAM (PSZA blamed first), inheriting the upstream failure's type.
/// </summary>
public static class PlayerCompositeFactorsProcessor
{
    /// <summary>Code version: bump it with any change to what this processor outputs (the golden test insists).</summary>
    public const int Version = 1;

    /// <summary>What the runner, planner, versions and reconciliation know about PCF.</summary>
    public static ProcessorDescriptor Descriptor { get; } = new(
        ProcessorId.PCF,
        [ProcessorId.PSZA, ProcessorId.TDZA],
        PcfRow.Schema,
        Version,
        ProcessorPhase.Precompute,
        RawInput.None,
        Population.PlayersWithGames,
        async (warehouse, range, stamp, ct) => Compute(await ReadAsync(warehouse, range, ct), range, stamp),
        Lookback: Lookback);

    public sealed record Inputs(
        IReadOnlyList<DateOnly> GameDates,
        IReadOnlyList<PgsRow> PlayerGames,
        IReadOnlyList<PszaRow> ShotZones,
        IReadOnlyList<TdzaRow> TeamDefense,
        IReadOnlyList<FailureRecord> UpstreamFailures);

    public static async Task<Inputs> ReadAsync(IWarehouseReader warehouse, DateRange range, CancellationToken ct) => new(
        await Schedule.GameDatesAsync(warehouse, range, ct),
        await warehouse.ReadRowsAsync(PgsRow.Table, (await Schedule.SeasonHistoryAsync(warehouse, range, ct)).Range, ct),
        await warehouse.ReadRowsAsync(PszaRow.Table, range, ct),
        await warehouse.ReadRowsAsync(TdzaRow.Table, range, ct),
        [
            .. await warehouse.ReadUnresolvedFailuresAsync(ProcessorId.PSZA, range, ct),
            .. await warehouse.ReadUnresolvedFailuresAsync(ProcessorId.TDZA, range, ct),
        ]);

    /// <summary>fatigue_score = clamp(100 − 15·b2b − 5·max(0, games7 − 3) − 0.25·max(0, minutes7 − 100), 0, 100).</summary>
    public static double FatigueScore(bool isBackToBack, int gamesLast7Days, int minutesLast7Days) =>
        Math.Clamp(
            100 - (15 * (isBackToBack ? 1 : 0)) - (5 * Math.Max(0, gamesLast7Days - 3)) - (0.25 * Math.Max(0, minutesLast7Days - 100)),
            0, 100);

    /// <summary>Each player's previous game (days_rest) and the games of the 7 days before the date.</summary>
    private static IEnumerable<(ProcessorId, DateOnly)> Lookback(DateOnly date, PlanningCalendar calendar)
    {
        var nodes = new List<(ProcessorId, DateOnly)>();
        if (calendar.SeasonOf.GetValueOrDefault(date) is not { } season) return nodes;
        foreach (var player in calendar.PlayersOn.GetValueOrDefault(date, []))
        {
            var before = calendar.PlayerDatesBefore(season, player, date);
            for (var i = before.Length - 1; i >= 0; i--)
            {
                if (i < before.Length - 1 && before[i] < date.AddDays(-7)) break;
                nodes.Add((ProcessorId.PGS, before[i]));
            }
        }
        return nodes;
    }

    public static ProcessorResult Compute(Inputs inputs, DateRange range, RunStamp stamp)
    {
        var failures = new FailureRecorder(ProcessorId.PCF, stamp);
        var history = PlayerHistory.Of(inputs.PlayerGames);
        var psza = inputs.ShotZones.ToDictionary(r => (r.AnalysisDate, r.PlayerId));
        var tdza = inputs.TeamDefense.ToDictionary(r => (r.AnalysisDate, r.TeamAbbr));
        var upstream = UpstreamFailureIndex.Of(inputs.UpstreamFailures);
        var rows = new List<IOutputRow>();
        foreach (var game in inputs.PlayerGames.Where(g => range.Contains(g.GameDate)).OrderBy(g => g.GameDate).ThenBy(g => g.PlayerId))
        {
            if (!psza.TryGetValue((game.GameDate, game.PlayerId), out var shots))
            {
                upstream.Explain(failures, ProcessorId.PSZA, game.GameDate, game.EntityId, EntityType.Player, game.EntityId);
                continue;
            }
            if (!tdza.TryGetValue((game.GameDate, game.OpponentAbbr), out var defense))
            {
                upstream.Explain(failures, ProcessorId.TDZA, game.GameDate, game.EntityId, EntityType.Player, game.OpponentAbbr);
                continue;
            }
            var before = history.Before(game.Season, game.PlayerId, game.GameDate);
            int? daysRest = before.Length == 0 ? null : game.GameDate.DayNumber - before[^1].GameDate.DayNumber - 1;
            var backToBack = daysRest == 0;
            var weekStart = game.GameDate.AddDays(-7);
            int games7 = 0, minutes7 = 0;
            for (var i = before.Length - 1; i >= 0 && before[i].GameDate >= weekStart; i--)
            {
                games7++;
                minutes7 += before[i].Minutes;
            }
            double? mismatch = shots.TwoPtRate is { } two && shots.ThreePtRate is { } three
                && defense.OppTwoPtPctVsLeague is { } oppTwo && defense.OppThreePtPctVsLeague is { } oppThree
                ? 100 * ((two * oppTwo) + (three * oppThree))
                : null;
            rows.Add(new PcfRow(
                game.GameDate, game.Season, game.PlayerId, game.TeamAbbr, game.OpponentAbbr, game.IsHome, daysRest, backToBack,
                games7, minutes7, FatigueScore(backToBack, games7, minutes7), mismatch));
        }
        return new ProcessorResult(ProcessorId.PCF, inputs.GameDates, rows, failures.Records);
    }
}

/// <summary>Upstream failures by (processor, date, entity): how a downstream processor explains an absent input row.</summary>
public sealed class UpstreamFailureIndex
{
    private readonly Dictionary<(ProcessorId, DateOnly, string), FailureRecord> _byEntity;

    private UpstreamFailureIndex(Dictionary<(ProcessorId, DateOnly, string), FailureRecord> byEntity) => _byEntity = byEntity;

    public static UpstreamFailureIndex Of(IEnumerable<FailureRecord> failures)
    {
        var index = new Dictionary<(ProcessorId, DateOnly, string), FailureRecord>();
        foreach (var f in failures.Where(f => f.IsUnresolved))
        {
            index.TryAdd((f.ProcessorName, f.AnalysisDate, f.EntityId), f);
        }
        return new UpstreamFailureIndex(index);
    }

    /// <summary>Records MISSING_UPSTREAM for the entity, inheriting the upstream failure, or UNKNOWN when none explains it.</summary>
    public void Explain(
        FailureRecorder failures, ProcessorId upstream, DateOnly date, string entityId, string entityType, string upstreamEntity)
    {
        if (_byEntity.TryGetValue((upstream, date, upstreamEntity), out var cause))
        {
            failures.MissingUpstream(date, entityId, entityType, cause);
        }
        else
        {
            failures.MissingUpstreamUnexplained(date, entityId, entityType, upstream, upstreamEntity);
        }
    }
}
