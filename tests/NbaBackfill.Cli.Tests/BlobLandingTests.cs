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
    public async Task A_date_re_landed_in_blob_is_ingested_once_by_its_manifest_and_a_half_written_one_waits()
    {
        await Azurite.EnsureRunningAsync();
        var container = Container("raw");
        using var cli = new CliRunner();
        var (code, output, err) = await cli.RunAsync(["land", "--season-dir", RepoPaths.BundledSeason, "--container", container, "--storage", Azurite.ConnectionString]);
        Assert.True(code == 0, output + err);

        // A stat correction of Nov 3 is re-landed alone; the season manifest still lists every date.
        var corrected = VersionFixtures.WriteCorrectedFolder(Path.Combine(cli.Dir, "corrected"), "2021-11-03", VersionFixtures.PtsColumn, _ => 99);
        (code, output, err) = await cli.RunAsync(["land", "--season-dir", corrected, "--container", container, "--storage", Azurite.ConnectionString, "--from", "2021-11-03", "--to", "2021-11-03"]);
        Assert.True(code == 0, output + err);
        Assert.Contains("1 date folder(s)", output, StringComparison.Ordinal);
        (code, output, err) = await cli.RunAsync(["load", "--from-landing", "blob", "--season", "2021-22", "--container", container, "--storage", Azurite.ConnectionString]);
        Assert.True(code == 0, output + err);
        Assert.Contains("26039 box-score rows", output, StringComparison.Ordinal);

        var landing = new Landing.BlobRawLanding(new BlobContainerClient(Azurite.ConnectionString, container));
        var window = new Calendar.DateRange(new DateOnly(2021, 11, 1), new DateOnly(2021, 11, 5));
        await using (var w = await DuckDbWarehouse.OpenAsync(cli.Db))
        {
            // Loaded without manifests: the first ingest takes every landed date of the window once.
            var first = await Raw.RawIngest.IngestAsync(landing, w, window, TimeProvider.System, CancellationToken.None);
            Assert.Equal(5, first.Ingested.Count);
            var pts = (await w.ReadAsync(TableCatalog.RawBoxScores, Calendar.DateRange.Single(new DateOnly(2021, 11, 3)), Raw.RawBoxScore.From, CancellationToken.None)).Select(b => b.Pts);
            Assert.Contains(99, pts);
            Assert.Empty((await Raw.RawIngest.IngestAsync(landing, w, window, TimeProvider.System, CancellationToken.None)).Ingested);

            // A file rewritten after its manifest (a landing in progress) is not ingested; the next tick will see it.
            var blob = new BlobContainerClient(Azurite.ConnectionString, container).GetBlobClient("raw/2021-22/2021-11-04/games.csv");
            await blob.UploadAsync(BinaryData.FromString("game_id,game_date\n"), overwrite: true);
            var manifest = new BlobContainerClient(Azurite.ConnectionString, container).GetBlobClient("raw/2021-22/2021-11-04/_manifest.json");
            var text = (await manifest.DownloadContentAsync()).Value.Content.ToString();
            await manifest.UploadAsync(BinaryData.FromString(text.Replace("2021-11-04", "2021-11-04", StringComparison.Ordinal) + " "), overwrite: true);
            var third = await Raw.RawIngest.IngestAsync(landing, w, window, TimeProvider.System, CancellationToken.None);
            Assert.Empty(third.Ingested);
            var (date, error) = Assert.Single(third.Skipped);
            Assert.Equal(new DateOnly(2021, 11, 4), date.Date);
            Assert.Contains("does not match its manifest", error, StringComparison.Ordinal);
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
