using System.Text.Json;
using NbaBackfill.Warehouse.BigQuery.Emulator;

namespace NbaBackfill.Cli.Tests;

/// <summary>The CLI against BigQuery (the fake on loopback), selected by --db bigquery://PROJECT/DATASET.</summary>
[Collection("durable hosts")]
public sealed class BigQueryCliTests
{
    private const string Target = $"bigquery://{FakeBigQueryServer.Project}/nba";

    [Fact]
    public async Task Load_run_reconcile_and_status_work_on_a_bigquery_target()
    {
        await using var fake = await FakeBigQueryServer.StartAsync();
        using var cli = new CliRunner();
        cli.Variables["NBA_BIGQUERY_ENDPOINT"] = fake.BaseUri.ToString();
        cli.Variables["NBA_BIGQUERY_CREDENTIALS"] = fake.ServiceAccountJson();

        var (code, output, err) = await cli.RunAsync("load", "--season-dir", RepoPaths.BundledSeason, "--db", Target);
        Assert.True(code == 0, err);
        Assert.Contains("26039 box-score rows", output, StringComparison.Ordinal);

        (code, output, err) = await cli.RunAsync("run", "--from", "2021-10-19", "--to", "2021-10-31", "--db", Target, "--json");
        Assert.True(code == 0, err);
        Assert.Equal("Completed", JsonDocument.Parse(output).RootElement.GetProperty("Status").GetString());

        (code, output, _) = await cli.RunAsync("reconcile", "--from", "2021-10-19", "--to", "2021-10-31", "--json", "--db", Target);
        Assert.Equal(0, code);
        Assert.All(JsonDocument.Parse(output).RootElement.EnumerateArray(), r => Assert.Equal(0, r.GetProperty("unaccounted").GetInt32()));
        Assert.True(fake.Store.GetTable("nba", "player_game_summary") is not null);
        Assert.Empty(fake.Violations);
        Assert.False(File.Exists(cli.Db)); // nothing went to the embedded default
    }

    [Fact]
    public async Task A_bigquery_target_without_a_dataset_or_reachable_credentials_is_a_usage_error()
    {
        using var cli = new CliRunner();
        var (code, _, err) = await cli.RunAsync("status", "--db", "bigquery://only-a-project");
        Assert.Equal(2, code);
        Assert.Contains("is not bigquery://PROJECT/DATASET", err, StringComparison.Ordinal);

        cli.Variables["NBA_BIGQUERY_CREDENTIALS"] = "/no/such/key.json";
        (code, _, err) = await cli.RunAsync("status", "--db", Target);
        Assert.Equal(2, code);
        Assert.Contains("neither service-account JSON nor an existing key file", err, StringComparison.Ordinal);
    }
}
