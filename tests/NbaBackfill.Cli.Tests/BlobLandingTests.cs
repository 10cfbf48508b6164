using Azure.Storage.Blobs;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Cli.Tests;

/// <summary>Raw landing and run reports round-trip through Azure Blob Storage (Azurite; no mocks).</summary>
[Collection("durable hosts")]
public class BlobLandingTests
{
    private static string Container(string prefix) => prefix + Guid.CreateVersion7().ToString("N")[..16];

    [Fact]
    public async Task A_season_landed_in_blob_loads_to_the_same_raw_tables_as_the_folder()
    {
        await Azurite.EnsureRunningAsync();
        var container = Container("raw");
        using var direct = new CliRunner();
        using var viaBlob = new CliRunner();
        Assert.Equal(0, (await direct.RunAsync(["load", "--season-dir", RepoPaths.BundledSeason])).Code);

        var (code, output, err) = await viaBlob.RunAsync(["land", "--season-dir", RepoPaths.BundledSeason, "--container", container, "--storage", Azurite.ConnectionString]);
        Assert.True(code == 0, output + err);
        Assert.Contains("landed season 2021-22: 165 date folder(s)", output, StringComparison.Ordinal);
        var blobs = new BlobContainerClient(Azurite.ConnectionString, container);
        Assert.True((await blobs.GetBlobClient("raw/2021-22/2021-12-25/player_box_scores.csv").ExistsAsync()).Value);
        Assert.True((await blobs.GetBlobClient("raw/2021-22/teams.csv").ExistsAsync()).Value);

        (code, output, err) = await viaBlob.RunAsync(["load", "--from-landing", "blob", "--season", "2021-22", "--container", container, "--storage", Azurite.ConnectionString]);
        Assert.True(code == 0, output + err);
        Assert.Contains("26039 box-score rows", output, StringComparison.Ordinal);

        await using var a = await DuckDbWarehouse.OpenAsync(direct.Db);
        await using var b = await DuckDbWarehouse.OpenAsync(viaBlob.Db);
        foreach (var table in new[] { TableCatalog.RawGames, TableCatalog.RawBoxScores, TableCatalog.RawTeams, TableCatalog.RawRejects })
        {
            Assert.Equal(await CsvAsync(a, table), await CsvAsync(b, table));
        }
    }

    [Fact]
    public async Task Landing_errors_are_clear()
    {
        using var cli = new CliRunner();
        var (code, _, err) = await cli.RunAsync(["land", "--season-dir", RepoPaths.BundledSeason, "--container", "Bad_Name"]);
        Assert.Equal(2, code);
        Assert.StartsWith("error: --container: 'Bad_Name' is not a valid container name", err, StringComparison.Ordinal);
        (code, _, err) = await cli.RunAsync(["load", "--from-landing", "blob"]);
        Assert.Equal((2, "error: --from-landing needs --season\n"), (code, err));
        (code, _, err) = await cli.RunAsync(["load", "--season-dir", RepoPaths.BundledSeason, "--from-landing", "local", "--season", "x"]);
        Assert.Equal((2, "error: give exactly one of --season-dir or --from-landing\n"), (code, err));
    }

    [Fact]
    public async Task A_finished_run_writes_its_reports_to_blob_and_by_default_to_a_folder()
    {
        await Azurite.EnsureRunningAsync();
        var container = Container("reports");
        using var cli = new CliRunner();
        Assert.Equal(0, (await cli.RunAsync(["load", "--season-dir", RepoPaths.BundledSeason])).Code);
        var (code, output, err) = await cli.RunAsync(["run", "--from", "2021-11-01", "--to", "2021-11-07", "--reports-container", container, "--storage", Azurite.ConnectionString]);
        Assert.True(code == 0, output + err);
        var runId = output.Split('\n').First(l => l.StartsWith("starting run ", StringComparison.Ordinal)).Split(' ')[2];
        var blobs = new BlobContainerClient(Azurite.ConnectionString, container);
        foreach (var file in new[] { "reconciliation.json", "reconciliation.csv", "failures.json", "failures.csv" })
        {
            Assert.True((await blobs.GetBlobClient($"reports/{runId}/{file}").ExistsAsync()).Value, file);
        }
        var csv = (await blobs.GetBlobClient($"reports/{runId}/reconciliation.csv").DownloadContentAsync()).Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("processor,expected,has_record,has_failure,unaccounted,orphans,both,coverage", csv[0]);
        Assert.Equal(7, csv.Length);
        Assert.All(csv.Skip(1), l => Assert.EndsWith(",0,0,0,1", l, StringComparison.Ordinal));
        var failures = (await blobs.GetBlobClient($"reports/{runId}/failures.csv").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("PSZA,INSUFFICIENT_DATA,INSUFFICIENT_HISTORY,false,", failures, StringComparison.Ordinal);

        (code, output, _) = await cli.RunAsync(["run", "--from", "2021-11-08", "--to", "2021-11-09"]);
        Assert.Equal(0, code);
        var localRun = output.Split('\n').First(l => l.StartsWith("starting run ", StringComparison.Ordinal)).Split(' ')[2];
        Assert.True(File.Exists(Path.Combine(cli.Dir, "reports", localRun, "reconciliation.json")));
    }

    private static async Task<string> CsvAsync(DuckDbWarehouse w, TableSchema table)
    {
        await using var writer = new StringWriter();
        await CsvExport.WriteAsync(table, await w.ReadAllAsync(table, null, CancellationToken.None), writer);
        return writer.ToString();
    }
}
