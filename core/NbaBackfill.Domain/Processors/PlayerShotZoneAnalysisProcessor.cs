using NbaBackfill.Reconciliation;
using NbaBackfill.Planning;
using System.Globalization;
using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Processors;

public sealed record PszaRow(
    DateOnly AnalysisDate, string Season, long PlayerId, string PlayerLookup, int GamesInWindow, DateOnly WindowStart,
    DateOnly WindowEnd, double FgaPerGame, double? TwoPtRate, double? ThreePtRate, double? FtRate, double? TwoPtPct,
    double? ThreePtPct, double? PaintRate, double? MidRangeRate, double? CornerThreeRate, double? AboveBreakThreeRate,
    double? PaintPct, double? MidRangePct, double? CornerThreePct, double? AboveBreakThreePct) : IOutputRow
{
    public static TableSchema<PszaRow> Table { get; } = new("player_shot_zone_analysis", c => new PszaRow(
        c.Date("analysis_date", r => r.AnalysisDate), c.Str("season", r => r.Season), c.Int64("player_id", r => r.PlayerId),
        c.Str("player_lookup", r => r.PlayerLookup), c.Int("games_in_window", r => r.GamesInWindow),
        c.Date("window_start_date", r => r.WindowStart), c.Date("window_end_date", r => r.WindowEnd),
        c.Dbl("fga_per_game", r => r.FgaPerGame), c.DblOrNull("two_pt_rate", r => r.TwoPtRate),
        c.DblOrNull("three_pt_rate", r => r.ThreePtRate), c.DblOrNull("ft_rate", r => r.FtRate),
        c.DblOrNull("two_pt_pct", r => r.TwoPtPct), c.DblOrNull("three_pt_pct", r => r.ThreePtPct),
        c.DblOrNull("paint_rate", r => r.PaintRate), c.DblOrNull("mid_range_rate", r => r.MidRangeRate),
        c.DblOrNull("corner_three_rate", r => r.CornerThreeRate), c.DblOrNull("above_break_three_rate", r => r.AboveBreakThreeRate),
        c.DblOrNull("paint_pct", r => r.PaintPct), c.DblOrNull("mid_range_pct", r => r.MidRangePct),
        c.DblOrNull("corner_three_pct", r => r.CornerThreePct), c.DblOrNull("above_break_three_pct", r => r.AboveBreakThreePct)),
        Key: ["analysis_date", "player_id"], PartitionColumn: "analysis_date", Clustering: ["player_id"]);

    public static TableSchema Schema => Table.Schema;

    public DateOnly Date => AnalysisDate;

    public string EntityId => PlayerId.ToString(CultureInfo.InvariantCulture);

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    public static PszaRow From(Row r) => Table.From(r);
}

/// <summary>
/// PSZA: a player's shot profile over his last 10 games before D (needs 10). Population: players with a PGS row on D.
/// </summary>
public static class PlayerShotZoneAnalysisProcessor
{
    /// <summary>Code version: bump it with any change to what this processor outputs (the golden test insists).</summary>
    public const int Version = 1;

    /// <summary>What the runner, planner, versions and reconciliation know about PSZA.</summary>
    public static ProcessorDescriptor Descriptor { get; } = new(
        ProcessorId.PSZA,
        [ProcessorId.PGS],
        PszaRow.Schema,
        Version,
        ProcessorPhase.Precompute,
        RawInput.SeasonScheduleToDate,
        Population.PlayersWithGames,
        async (warehouse, range, stamp, ct) => Compute(await ReadAsync(warehouse, range, ct), range, stamp),
        Lookback: Lookback,
        BootstrapSkips: BootstrapSkips);

    public const int WindowGames = 10;
    public const int MinimumGames = 10;

    public sealed record Inputs(
        IReadOnlyList<DateOnly> GameDates,
        IReadOnlyList<PgsRow> PlayerGames,
        IReadOnlyList<RawGame>? Schedule = null,
        IReadOnlySet<(string GameId, string TeamAbbr)>? RawTeamGames = null);

    public static async Task<Inputs> ReadAsync(IWarehouseReader warehouse, DateRange range, CancellationToken ct)
    {
        var history = await Processors.Schedule.SeasonHistoryAsync(warehouse, range, ct);
        return new(
            await Processors.Schedule.GameDatesAsync(warehouse, range, ct),
            await warehouse.ReadRowsAsync(PgsRow.Table, history.Range, ct),
            history.Games,
            await Processors.Schedule.RawTeamGamesAsync(warehouse, history.Range, ct));
    }

    /// <summary>Each player's last <see cref="WindowGames"/> games before the date.</summary>
    private static IEnumerable<(ProcessorId, DateOnly)> Lookback(DateOnly date, PlanningCalendar calendar)
    {
        var nodes = new List<(ProcessorId, DateOnly)>();
        if (calendar.SeasonOf.GetValueOrDefault(date) is not { } season) return nodes;
        foreach (var player in calendar.PlayersOn.GetValueOrDefault(date, []))
        {
            var before = calendar.PlayerDatesBefore(season, player, date);
            foreach (var d in before[Math.Max(0, before.Length - WindowGames)..]) nodes.Add((ProcessorId.PGS, d));
        }
        return nodes;
    }

    /// <summary>Players with fewer prior games than <see cref="MinimumGames"/>: skipped as season bootstrap.</summary>
    private static int BootstrapSkips(DateOnly date, ForecastContext context) =>
        context.Calendar.SeasonOf.GetValueOrDefault(date) is { } season
            ? context.Calendar.PlayersOn.GetValueOrDefault(date, [])
                .Count(p => context.Calendar.PlayerDatesBefore(season, p, date).Length < MinimumGames)
            : 0;

    public static ProcessorResult Compute(Inputs inputs, DateRange range, RunStamp stamp)
    {
        var failures = new FailureRecorder(ProcessorId.PSZA, stamp);
        var history = PlayerHistory.Of(inputs.PlayerGames);
        var schedule = inputs.Schedule is null ? null : new Schedule(inputs.Schedule);
        var rows = new List<IOutputRow>();
        var population = inputs.PlayerGames.Where(g => range.Contains(g.GameDate))
            .OrderBy(g => g.GameDate).ThenBy(g => g.PlayerId).ToList();
        foreach (var game in population)
        {
            var window = history.LastBefore(game.Season, game.PlayerId, game.GameDate, WindowGames);
            if (window.Length < MinimumGames)
            {
                failures.InsufficientData(game.GameDate, game.EntityId, EntityType.Player, MinimumGames, window.Length,
                    schedule?.GamesWithoutRawRows(game.Season, game.TeamAbbr, game.GameDate, inputs.RawTeamGames!));
                continue;
            }
            // Summed in locals: the window's zone counts exist only if every game of it has them.
            int fga = 0, fgm = 0, fg3a = 0, fg3m = 0, fta = 0, twoPa = 0, twoPm = 0;
            int pa = 0, pm = 0, ma = 0, mm = 0, ca = 0, cm = 0, aa = 0, am = 0;
            var hasZones = true;
            foreach (var g in window)
            {
                fga += g.Fga; fgm += g.Fgm; fg3a += g.Fg3a; fg3m += g.Fg3m; fta += g.Fta; twoPa += g.TwoPa; twoPm += g.TwoPm;
                if (g.Zones is { } z)
                {
                    pa += z.PaintAttempts; pm += z.PaintMakes; ma += z.MidRangeAttempts; mm += z.MidRangeMakes;
                    ca += z.CornerThreeAttempts; cm += z.CornerThreeMakes; aa += z.AboveBreakThreeAttempts; am += z.AboveBreakThreeMakes;
                }
                else
                {
                    hasZones = false;
                }
            }
            var zones = hasZones ? new ZoneCounts(pa, pm, ma, mm, ca, cm, aa, am) : null;
            if (fga == 0)
            {
                failures.NoShotZone(game.GameDate, game.EntityId, window.Length);
                continue;
            }
            double zoneTotal = zones?.TotalAttempts ?? 0;
            rows.Add(new PszaRow(
                game.GameDate, game.Season, game.PlayerId, game.PlayerLookup, window.Length, window[0].GameDate,
                window[^1].GameDate, (double)fga / window.Length,
                Ratio.Of(twoPa, fga), Ratio.Of(fg3a, fga), Ratio.Of(fta, fga), Ratio.Of(twoPm, twoPa), Ratio.Of(fg3m, fg3a),
                zones is null ? null : Ratio.Of(zones.PaintAttempts, zoneTotal),
                zones is null ? null : Ratio.Of(zones.MidRangeAttempts, zoneTotal),
                zones is null ? null : Ratio.Of(zones.CornerThreeAttempts, zoneTotal),
                zones is null ? null : Ratio.Of(zones.AboveBreakThreeAttempts, zoneTotal),
                zones is null ? null : Ratio.Of(zones.PaintMakes, zones.PaintAttempts),
                zones is null ? null : Ratio.Of(zones.MidRangeMakes, zones.MidRangeAttempts),
                zones is null ? null : Ratio.Of(zones.CornerThreeMakes, zones.CornerThreeAttempts),
                zones is null ? null : Ratio.Of(zones.AboveBreakThreeMakes, zones.AboveBreakThreeAttempts)));
        }
        return new ProcessorResult(ProcessorId.PSZA, inputs.GameDates, rows, failures.Records);
    }
}
