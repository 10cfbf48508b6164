using NbaBackfill.Reconciliation;
using NbaBackfill.Planning;
using System.Globalization;
using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Processors;

/// <summary>player_game_summary: one row per player-game, box stats plus derived shooting splits.</summary>
public sealed record PgsRow(
    DateOnly GameDate, string GameId, string Season, long PlayerId, string PlayerLookup, string PlayerName, string TeamAbbr,
    string OpponentAbbr, bool IsHome, int Minutes, int Fgm, int Fga, int Fg3m, int Fg3a, int TwoPa, int TwoPm, int Ftm,
    int Fta, int Oreb, int Dreb, int Reb, int Ast, int Stl, int Blk, int Tov, int Pf, int Pts, int PlusMinus, double? TsPct,
    ZoneCounts? Zones) : IOutputRow
{
    public static TableSchema Schema { get; } = new(
        "player_game_summary",
        [
            Col.Date("game_date"), Col.Str("game_id"), Col.Str("season"), Col.Int("player_id"), Col.Str("player_lookup"),
            Col.Str("player_name"), Col.Str("team_abbr"), Col.Str("opponent_abbr"), Col.Bool("is_home"), Col.Int("minutes"),
            Col.Int("fgm"), Col.Int("fga"), Col.Int("fg3m"), Col.Int("fg3a"), Col.Int("two_pa"), Col.Int("two_pm"),
            Col.Int("ftm"), Col.Int("fta"), Col.Int("oreb"), Col.Int("dreb"), Col.Int("reb"), Col.Int("ast"), Col.Int("stl"),
            Col.Int("blk"), Col.Int("tov"), Col.Int("pf"), Col.Int("pts"), Col.Int("plus_minus"), Col.Dbl("ts_pct"),
            Col.Int("paint_attempts", true), Col.Int("paint_makes", true), Col.Int("mid_range_attempts", true),
            Col.Int("mid_range_makes", true), Col.Int("corner_three_attempts", true), Col.Int("corner_three_makes", true),
            Col.Int("above_break_three_attempts", true), Col.Int("above_break_three_makes", true),
        ],
        Key: ["game_date", "game_id", "player_id"], PartitionColumn: "game_date", Clustering: ["player_id"]);

    DateOnly IOutputRow.Date => GameDate;

    public string EntityId => PlayerId.ToString(CultureInfo.InvariantCulture);

    public object?[] ToValues() =>
    [
        GameDate, GameId, Season, PlayerId, PlayerLookup, PlayerName, TeamAbbr, OpponentAbbr, IsHome, Minutes, Fgm, Fga, Fg3m,
        Fg3a, TwoPa, TwoPm, Ftm, Fta, Oreb, Dreb, Reb, Ast, Stl, Blk, Tov, Pf, Pts, PlusMinus, TsPct,
        Zones?.PaintAttempts, Zones?.PaintMakes, Zones?.MidRangeAttempts, Zones?.MidRangeMakes,
        Zones?.CornerThreeAttempts, Zones?.CornerThreeMakes, Zones?.AboveBreakThreeAttempts, Zones?.AboveBreakThreeMakes,
    ];

    public static PgsRow From(Row r) => new(
        r.Date(0), r.Str(1), r.Str(2), Convert.ToInt64(r.Values[3], CultureInfo.InvariantCulture), r.Str(4), r.Str(5), r.Str(6),
        r.Str(7), r.Bool(8), r.Int(9), r.Int(10), r.Int(11), r.Int(12), r.Int(13), r.Int(14), r.Int(15), r.Int(16), r.Int(17),
        r.Int(18), r.Int(19), r.Int(20), r.Int(21), r.Int(22), r.Int(23), r.Int(24), r.Int(25), r.Int(26), r.Int(27),
        r.DblOrNull(28),
        r.Values[29] is null ? null : new ZoneCounts(
            r.Int(29), r.Int(30), r.Int(31), r.Int(32), r.Int(33), r.Int(34), r.Int(35), r.Int(36)));
}

/// <summary>Shot-zone attempts and makes by zone group (paint, mid-range, corner three, above-the-break three).</summary>
public sealed record ZoneCounts(
    int PaintAttempts, int PaintMakes, int MidRangeAttempts, int MidRangeMakes, int CornerThreeAttempts,
    int CornerThreeMakes, int AboveBreakThreeAttempts, int AboveBreakThreeMakes)
{
    public static ZoneCounts Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);

    public int TotalAttempts => PaintAttempts + MidRangeAttempts + CornerThreeAttempts + AboveBreakThreeAttempts;

    public ZoneCounts Add(string zone, int attempts, int makes) => zone switch
    {
        "restricted_area" or "in_the_paint_non_ra" => this with { PaintAttempts = PaintAttempts + attempts, PaintMakes = PaintMakes + makes },
        "mid_range" => this with { MidRangeAttempts = MidRangeAttempts + attempts, MidRangeMakes = MidRangeMakes + makes },
        "left_corner_3" or "right_corner_3" => this with { CornerThreeAttempts = CornerThreeAttempts + attempts, CornerThreeMakes = CornerThreeMakes + makes },
        "above_the_break_3" or "backcourt" => this with { AboveBreakThreeAttempts = AboveBreakThreeAttempts + attempts, AboveBreakThreeMakes = AboveBreakThreeMakes + makes },
        _ => throw new ArgumentException($"unknown zone {zone}", nameof(zone)),
    };

    public ZoneCounts Plus(ZoneCounts o) => new(
        PaintAttempts + o.PaintAttempts, PaintMakes + o.PaintMakes, MidRangeAttempts + o.MidRangeAttempts,
        MidRangeMakes + o.MidRangeMakes, CornerThreeAttempts + o.CornerThreeAttempts, CornerThreeMakes + o.CornerThreeMakes,
        AboveBreakThreeAttempts + o.AboveBreakThreeAttempts, AboveBreakThreeMakes + o.AboveBreakThreeMakes);
}

/// <summary>PGS (Phase 3): raw box scores → player_game_summary. Expected population: every raw player row of D.</summary>
public static class PlayerGameSummaryProcessor
{
    /// <summary>Code version: bump it with any change to what this processor outputs (the golden test insists).</summary>
    public const int Version = 1;

    /// <summary>What the runner, planner, versions and reconciliation know about PGS.</summary>
    public static ProcessorDescriptor Descriptor { get; } = new(
        ProcessorId.PGS,
        [],
        PgsRow.Schema,
        Version,
        ProcessorPhase.Analytics,
        RawInput.DateContent,
        Population.RawPlayers,
        async (warehouse, range, stamp, ct) => Compute(await ReadAsync(warehouse, range, ct), range, stamp));

    public sealed record Inputs(
        IReadOnlyList<RawGame> Games,
        IReadOnlyList<RawBoxScore> BoxScores,
        IReadOnlyList<RawShotZone> ShotZones,
        IReadOnlySet<string> SeasonsWithShotZones,
        IReadOnlyList<RawReject> Rejects);

    public static async Task<Inputs> ReadAsync(IWarehouseReader warehouse, DateRange range, CancellationToken ct) => new(
        await warehouse.ReadAsync(TableCatalog.RawGames, range, RawGame.From, ct),
        await warehouse.ReadAsync(TableCatalog.RawBoxScores, range, RawBoxScore.From, ct),
        await warehouse.ReadAsync(TableCatalog.RawShotZones, range, RawShotZone.From, ct),
        await warehouse.ReadSeasonsWithShotZonesAsync(ct),
        await warehouse.ReadAsync(TableCatalog.RawRejects, range, RawReject.From, ct));

    public static ProcessorResult Compute(Inputs inputs, DateRange range, RunStamp stamp)
    {
        var failures = new FailureRecorder(ProcessorId.PGS, stamp);
        // A player-game with any malformed raw row (box score or shot zone) gets no row: its stats would be partial.
        var rejected = new HashSet<(DateOnly, string)>();
        foreach (var group in inputs.Rejects.Where(r => r.GameDate is { } d && range.Contains(d))
                     .GroupBy(r => (Date: r.GameDate!.Value, r.EntityId, r.EntityType)).OrderBy(g => g.Key))
        {
            var reasons = string.Join("; ", group.OrderBy(r => r.SourceFile, StringComparer.Ordinal).ThenBy(r => r.LineNumber)
                .Select(r => $"{r.SourceFile} line {r.LineNumber}: {r.Reason}"));
            failures.InvalidInput(group.Key.Date, group.Key.EntityId, group.Key.EntityType, reasons);
            rejected.Add((group.Key.Date, group.Key.EntityId));
        }

        var zones = inputs.ShotZones
            .GroupBy(z => (z.GameId, z.PlayerId))
            .ToDictionary(g => g.Key, g => g.Aggregate(ZoneCounts.Zero, (acc, z) => acc.Add(z.Zone, z.Attempts, z.Makes)));

        var rows = new List<IOutputRow>(inputs.BoxScores.Count);
        foreach (var b in inputs.BoxScores)
        {
            if (!range.Contains(b.GameDate) || rejected.Contains((b.GameDate, b.PlayerId.ToString(CultureInfo.InvariantCulture))))
            {
                continue;
            }
            ZoneCounts? zoneCounts = inputs.SeasonsWithShotZones.Contains(b.Season)
                ? zones.GetValueOrDefault((b.GameId, b.PlayerId), ZoneCounts.Zero)
                : null;
            rows.Add(new PgsRow(
                b.GameDate, b.GameId, b.Season, b.PlayerId, PlayerLookup.Normalize(b.PlayerName), b.PlayerName, b.TeamAbbr,
                b.OpponentAbbr, b.IsHome, b.Minutes, b.Fgm, b.Fga, b.Fg3m, b.Fg3a, b.Fga - b.Fg3a, b.Fgm - b.Fg3m, b.Ftm,
                b.Fta, b.Oreb, b.Dreb, b.Reb, b.Ast, b.Stl, b.Blk, b.Tov, b.Pf, b.Pts, b.PlusMinus,
                Ratio.Of(b.Pts, 2 * (b.Fga + 0.44 * b.Fta)), zoneCounts));
        }

        var dates = inputs.Games.Select(g => g.GameDate)
            .Concat(inputs.BoxScores.Select(b => b.GameDate))
            .Concat(inputs.Rejects.Where(r => r.GameDate is not null).Select(r => r.GameDate!.Value))
            .Where(range.Contains).Distinct().Order().ToList();
        return new ProcessorResult(ProcessorId.PGS, dates, rows, failures.Records);
    }
}
