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
    public static TableSchema<PgsRow> Table { get; } = new("player_game_summary", c => new PgsRow(
        c.Date("game_date", r => r.GameDate), c.Str("game_id", r => r.GameId), c.Str("season", r => r.Season),
        c.Int64("player_id", r => r.PlayerId), c.Str("player_lookup", r => r.PlayerLookup), c.Str("player_name", r => r.PlayerName),
        c.Str("team_abbr", r => r.TeamAbbr), c.Str("opponent_abbr", r => r.OpponentAbbr), c.Bool("is_home", r => r.IsHome),
        c.Int("minutes", r => r.Minutes), c.Int("fgm", r => r.Fgm), c.Int("fga", r => r.Fga), c.Int("fg3m", r => r.Fg3m),
        c.Int("fg3a", r => r.Fg3a), c.Int("two_pa", r => r.TwoPa), c.Int("two_pm", r => r.TwoPm), c.Int("ftm", r => r.Ftm),
        c.Int("fta", r => r.Fta), c.Int("oreb", r => r.Oreb), c.Int("dreb", r => r.Dreb), c.Int("reb", r => r.Reb),
        c.Int("ast", r => r.Ast), c.Int("stl", r => r.Stl), c.Int("blk", r => r.Blk), c.Int("tov", r => r.Tov),
        c.Int("pf", r => r.Pf), c.Int("pts", r => r.Pts), c.Int("plus_minus", r => r.PlusMinus), c.DblOrNull("ts_pct", r => r.TsPct),
        ZoneCounts.OrNull(
            c.IntOrNull("paint_attempts", r => r.Zones?.PaintAttempts), c.IntOrNull("paint_makes", r => r.Zones?.PaintMakes),
            c.IntOrNull("mid_range_attempts", r => r.Zones?.MidRangeAttempts), c.IntOrNull("mid_range_makes", r => r.Zones?.MidRangeMakes),
            c.IntOrNull("corner_three_attempts", r => r.Zones?.CornerThreeAttempts), c.IntOrNull("corner_three_makes", r => r.Zones?.CornerThreeMakes),
            c.IntOrNull("above_break_three_attempts", r => r.Zones?.AboveBreakThreeAttempts),
            c.IntOrNull("above_break_three_makes", r => r.Zones?.AboveBreakThreeMakes))),
        Key: ["game_date", "game_id", "player_id"], PartitionColumn: "game_date", Clustering: ["player_id"]);

    public static TableSchema Schema => Table.Schema;

    DateOnly IOutputRow.Date => GameDate;

    public string EntityId => PlayerId.ToString(CultureInfo.InvariantCulture);

    public object?[] ToValues() => Table.ToValues(this);

    public void WriteTo(IValueSink sink, int count = int.MaxValue) => Table.Write(this, sink, count);

    public static PgsRow From(Row r) => Table.From(r);
}

/// <summary>Shot-zone attempts and makes by zone group (paint, mid-range, corner three, above-the-break three).</summary>
public sealed record ZoneCounts(
    int PaintAttempts, int PaintMakes, int MidRangeAttempts, int MidRangeMakes, int CornerThreeAttempts,
    int CornerThreeMakes, int AboveBreakThreeAttempts, int AboveBreakThreeMakes)
{
    public static ZoneCounts Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>The counts as stored: all eight columns, or none (a season without shot-zone data).</summary>
    public static ZoneCounts? OrNull(int? pa, int? pm, int? ma, int? mm, int? ca, int? cm, int? aa, int? am) =>
        pa is null ? null : new(pa.Value, pm ?? 0, ma ?? 0, mm ?? 0, ca ?? 0, cm ?? 0, aa ?? 0, am ?? 0);

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
        await warehouse.ReadRowsAsync(RawGame.Table, range, ct),
        await warehouse.ReadRowsAsync(RawBoxScore.Table, range, ct),
        await warehouse.ReadRowsAsync(RawShotZone.Table, range, ct),
        await warehouse.ReadSeasonsWithShotZonesAsync(ct),
        await warehouse.ReadRowsAsync(RawReject.Table, range, ct));

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
