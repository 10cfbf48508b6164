using System.Globalization;
using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Reconciliation;

/// <summary>
/// Who must get a row of a processor on each date: the set reconciliation counts against. Processors that share one
/// (the four player processors after PGS) share the instance, so it is read once.
/// </summary>
/// <param name="Name">What it is, for messages.</param>
/// <param name="EntityColumn">The output column that names the entity (player_id, team_abbr).</param>
/// <param name="Read">The expected (date, entity, entity type) triples of a range.</param>
public sealed record Population(
    string Name,
    string EntityColumn,
    Func<IWarehouseReader, DateRange, CancellationToken, Task<IReadOnlyList<(DateOnly Date, string EntityId, string EntityType)>>> Read)
{
    /// <summary>Every raw player row, rejected ones included (PGS must account for each).</summary>
    public static Population RawPlayers { get; } = new("raw player rows", "player_id", async (warehouse, range, ct) =>
    {
        var raw = (await warehouse.ReadKeysAsync(TableCatalog.RawBoxScores, range, "player_id", distinct: true, ct)).Select(k => (k.Date, k.Entity, EntityType.Player));
        var rejected = (await warehouse.ReadColumnsAsync(TableCatalog.RawRejects, range, ["game_date", "entity_id", "entity_type"],
                r => (Date: r.DateOrNull("game_date"), Entity: r.Str("entity_id"), Type: r.Str("entity_type")), ct))
            .Where(x => x.Date is not null && x.Type == EntityType.Player).Select(x => (x.Date!.Value, x.Entity, x.Type)).ToList();
        // The box-score keys are distinct already: only rejected rows can repeat one (a season's 26k keys through a set cost
        // more than the rest of the read).
        return rejected.Count == 0 ? raw.ToList() : raw.Concat(rejected).Distinct().ToList();
    });

    /// <summary>Both teams of every scheduled game.</summary>
    public static Population ScheduledTeams { get; } = new("scheduled teams", "team_abbr", async (warehouse, range, ct) =>
        (await warehouse.ReadRowsAsync(RawGame.Table, range, ct))
            .SelectMany(g => g.Teams.Select(t => (g.GameDate, t, EntityType.Team))).Distinct().ToList());

    /// <summary>Every player with a player_game_summary row on the date.</summary>
    public static Population PlayersWithGames { get; } = new("players with a game summary", "player_id", async (warehouse, range, ct) =>
        (await warehouse.ReadKeysAsync(PgsRow.Schema, range, "player_id", distinct: false, ct)).Select(k => (k.Date, k.Entity, EntityType.Player)).ToList());
}
