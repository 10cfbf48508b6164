using NbaBackfill.Tables;

namespace NbaBackfill.Planning;

/// <summary>
/// A player's game as the box scores list it: the planning calendar's input, read on every activity (a season of them)
/// as rows of their own, so a history cache can hand every activity one shared copy.
/// </summary>
public sealed record PlayerGameKey(string Season, DateOnly GameDate, long PlayerId)
{
    /// <summary>Three columns of raw_player_box_scores, checked against its declaration (which stays the one place they are declared).</summary>
    public static TableSchema<PlayerGameKey> Table { get; } = OfBoxScores(new(TableCatalog.RawBoxScores.Name, c => new PlayerGameKey(
        c.Str("season", r => r.Season), c.Date("game_date", r => r.GameDate), c.Int64("player_id", r => r.PlayerId)),
        Key: ["season", "game_date", "player_id"], PartitionColumn: TableCatalog.RawBoxScores.PartitionColumn, Clustering: []));

    private static TableSchema<PlayerGameKey> OfBoxScores(TableSchema<PlayerGameKey> projection)
    {
        var missing = projection.Schema.Columns.Except(TableCatalog.RawBoxScores.Columns).ToList();
        if (missing.Count > 0) throw new InvalidOperationException($"raw_player_box_scores declares no {string.Join(", ", missing)}");
        return projection;
    }
}
