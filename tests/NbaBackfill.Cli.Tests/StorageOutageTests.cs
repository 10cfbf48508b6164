using NbaBackfill.Processors;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Cli.Tests;

/// <summary>The durable engine's storage (Azurite) stops for ~15 s in the middle of a run and comes back.</summary>
[Collection("durable hosts")]
public sealed class StorageOutageTests
{
    [Fact]
    public async Task A_run_on_the_azurestorage_engine_rides_out_a_storage_outage_and_ends_identical_to_a_clean_run()
    {
        string[] range = ["--from", "2021-11-01", "--to", "2021-11-20", "--batch-size", "1", "--max-parallel", "2"];
        using var clean = new CliRunner();
        Assert.Equal(0, (await clean.RunAsync("load", "--season-dir", RepoPaths.BundledSeason)).Code);
        Assert.Equal(0, (await clean.RunAsync(["run", .. range])).Code);

        await using var azurite = new PrivateAzurite();
        await azurite.StartAsync();
        using var outage = new CliRunner();
        Assert.Equal(0, (await outage.RunAsync("load", "--season-dir", RepoPaths.BundledSeason)).Code);
        using var run = ChildCli.Start(["run", .. range, "--engine", "azurestorage", "--storage", azurite.ConnectionString, "--task-hub", "outage", "--db", outage.Db],
            new Dictionary<string, string> { ["NBA_DURABLE_VISIBILITY_SECONDS"] = "5" });
        await run.WaitForOutputAsync(l => l.StartsWith("wave 4", StringComparison.Ordinal), TimeSpan.FromSeconds(120));

        await azurite.StopAsync();
        Assert.False(azurite.Listening());
        await Task.Delay(TimeSpan.FromSeconds(15));
        Assert.False(run.HasExited, $"the run ended during the outage: {run.Out}\n{run.Err}");
        await azurite.StartAsync();

        // No manual step: the same process carries on and finishes.
        var exit = await run.WaitForExitAsync(TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, $"exit {exit}\n{run.Out}\n{run.Err}");

        await using var a = await DuckDbWarehouse.OpenAsync(clean.Db);
        await using var b = await DuckDbWarehouse.OpenAsync(outage.Db);
        foreach (var p in ProcessorIds.All)
        {
            var table = TableCatalog.OutputOf(p);
            Assert.Equal(await CsvAsync(a, table), await CsvAsync(b, table));
        }
        foreach (var table in new[] { TableCatalog.AnalyticsFailures, TableCatalog.PrecomputeFailures })
        {
            static string Substance(IReadOnlyList<object?[]> rows) => string.Join("\n", rows.Select(r => string.Join(",", r.Take(15).Select(CsvExport.Format))).Order(StringComparer.Ordinal));
            Assert.Equal(Substance(await a.ReadAllAsync(table, null, CancellationToken.None)), Substance(await b.ReadAllAsync(table, null, CancellationToken.None)));
        }
        Assert.Single(await b.ReadAllAsync(TableCatalog.BackfillRuns, null, CancellationToken.None));
    }

    private static async Task<string> CsvAsync(DuckDbWarehouse w, TableSchema table)
    {
        await using var writer = new StringWriter();
        await CsvExport.WriteAsync(table, await w.ReadAllAsync(table, null, CancellationToken.None), writer);
        return writer.ToString();
    }
}
