using System.Text.Json.Nodes;
using NbaBackfill.Tables;

namespace NbaBackfill.Warehouse.BigQuery.Tests;

/// <summary>The fake's statement checks themselves: Google's analyzer and the cost guard catch each kind of mistake.</summary>
public sealed class ZetaSqlGuardTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    public static TheoryData<string, string> Mistakes => new()
    {
        { "SELECT SUMM(games) FROM `nba-test-project.nba.raw_seasons`", "Function not found: SUMM" },
        { "SELECT season FROM `nba-test-project.nba.raw_seasons` WHERE season = first_game_date", "No matching signature for operator =" },
        { "SELECT seasn FROM `nba-test-project.nba.raw_seasons`", "Unrecognized name: seasn" },
        { "SELECT season FROM `nba-test-project.nba.raw_seasons` WHERE first_game_date = @from", "" }, // typed parameters pass...
        { "SELECT season FROM `nba-test-project.nba.raw_seasons` WHERE games = @from", "No matching signature for operator =" }, // ...and are typed
        { "SELECT season FROM `nba-test-project.nba.raw_seasons` WHERE first_game_date = \"x\"", "Could not cast literal \"x\" to type DATE" },
        { "DELETE FROM `nba-test-project.nba.raw_games` WHERE game_dat IN UNNEST(@dates)", "Unrecognized name: game_dat" },
        { "SELECT player_id FROM `nba-test-project.nba.raw_player_box_scores`", "Cost guard: raw_player_box_scores is partitioned by game_date" },
        { "DELETE FROM `nba-test-project.nba.player_game_summary` WHERE season = '2021-22'", "Cost guard: player_game_summary is partitioned by game_date" },
        { "SELECT player_id FROM `nba-test-project.nba.raw_player_box_scores` WHERE game_date IN UNNEST(@dates)", "" },
        { "SELECT * FROM `nba-test-project.nba.no_such_table`", "Table not found: `nba-test-project.nba.no_such_table`" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task Each_kind_of_mistake_is_refused_with_the_analyzer_s_message(string sql, string message)
    {
        await using var bed = await BigQueryTestbed.StartAsync();
        var parameters = new JsonArray
        {
            BigQueryValues.Parameter("from", ColumnType.Date, new DateOnly(2021, 11, 1)),
            BigQueryValues.ArrayParameter("dates", ColumnType.Date, [new DateOnly(2021, 11, 1)]),
        };
        if (message.Length == 0)
        {
            await bed.Warehouse.Client.QueryAsync(sql, parameters, "valid", Ct);
            Assert.Empty(bed.Fake.Violations);
            return;
        }
        var e = await Assert.ThrowsAsync<WarehouseException>(() => bed.Warehouse.Client.QueryAsync(sql, parameters, "mistake", Ct));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains(bed.Fake.Violations, v => v.Contains(message, StringComparison.Ordinal));
    }
}
