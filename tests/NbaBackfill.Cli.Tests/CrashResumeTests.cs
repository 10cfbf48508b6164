using Xunit.Abstractions;
using System.Diagnostics;
using NbaBackfill.Processors;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Cli.Tests;

/// <summary>kill -9 of a real `run` process at seeded random points, resumed each time, ends identical to an uninterrupted run.</summary>
[Collection("durable hosts")]
public class CrashResumeTests
{
    private const int Kills = 20;

    private static readonly TimeSpan StallTimeout = TimeSpan.FromMinutes(2);

    private readonly ITestOutputHelper _output;

    public CrashResumeTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("inprocess", "2021-10-19", "2022-04-10", "5")] // the full season, in enough batches to be killed twenty times
    [InlineData("azurestorage", "2021-11-01", "2021-11-30", "2")] // a month: each resume waits out the queue visibility timeout
    public async Task Killed_runs_resume_and_end_identical_to_an_uninterrupted_run(string engine, string from, string to, string batchSize)
    {
        string[] Range = ["--from", from, "--to", to, "--batch-size", batchSize, "--max-parallel", "2"];
        string[] engineArgs = engine == "azurestorage"
            ? ["--engine", engine, "--storage", Azurite.ConnectionString, "--task-hub", "crash" + Guid.CreateVersion7().ToString("N")[..12]]
            : ["--engine", engine];
        if (engine == "azurestorage") await Azurite.EnsureRunningAsync();
        using var clean = new CliRunner();
        Assert.Equal(0, (await clean.RunAsync(["load", "--season-dir", RepoPaths.BundledSeason])).Code);
        var (code, output, err) = await clean.RunAsync(["run", .. Range]);
        Assert.True(code == 0, output + err);

        using var crashed = new CliRunner();
        Assert.Equal(0, (await crashed.RunAsync(["load", "--season-dir", RepoPaths.BundledSeason])).Code);
        var random = new Random(2026);
        var kills = 0;
        var exit = -1;
        for (var attempt = 0; attempt < Kills * 2 && exit != 0; attempt++)
        {
            // Kill after a random number of progress lines, twenty times; then let it finish.
            int? killAfter = kills < Kills ? random.Next(1, 3) : null;
            (exit, var killed) = await RunChildAsync(crashed.Db, [.. Range, .. engineArgs], killAfter);
            if (killed) kills++;
        }
        Assert.Equal(0, exit);
        Assert.True(kills >= Kills, $"only {kills} kills happened");

        await using var a = await DuckDbWarehouse.OpenAsync(clean.Db);
        await using var b = await DuckDbWarehouse.OpenAsync(crashed.Db);
        foreach (var p in ProcessorIds.All)
        {
            var table = TableCatalog.OutputOf(p);
            var rowsA = await a.ReadAllAsync(table, null, CancellationToken.None);
            var rowsB = await b.ReadAllAsync(table, null, CancellationToken.None);
            Assert.Equal(Csv(table, rowsA), Csv(table, rowsB));
            var keys = rowsB.Select(r => string.Join("|", table.Key.Select(k => CsvExport.Format(r[table.IndexOf(k)])))).ToList();
            Assert.Equal(keys.Count, keys.Distinct().Count()); // no duplicate rows
        }
        foreach (var table in new[] { TableCatalog.AnalyticsFailures, TableCatalog.PrecomputeFailures })
        {
            // Same failures in substance; run ids and creation times differ between the two databases by design.
            static string Substance(TableSchema t, IReadOnlyList<object?[]> rows) => string.Join("\n", rows
                .Select(r => string.Join(",", r.Take(15).Select(CsvExport.Format))).Order(StringComparer.Ordinal));
            Assert.Equal(Substance(table, await a.ReadAllAsync(table, null, CancellationToken.None)), Substance(table, await b.ReadAllAsync(table, null, CancellationToken.None)));
        }
        var runs = await b.ReadAllAsync(TableCatalog.BackfillRuns, null, CancellationToken.None);
        Assert.Single(runs); // every restart resumed the same run
        // Every node ended the same way with the same counts (attempts and times differ: that is the point).
        static string Nodes(IReadOnlyList<object?[]> rows) => string.Join("\n", rows.Select(r => StatusRow.From(new Row(r)))
            .Select(s => $"{s.Processor},{s.TargetDate:yyyy-MM-dd},{s.Status},{s.RowsWritten},{s.FailuresWritten}").Order(StringComparer.Ordinal));
        Assert.Equal(Nodes(await a.ReadAllAsync(TableCatalog.BackfillStatus, null, CancellationToken.None)), Nodes(await b.ReadAllAsync(TableCatalog.BackfillStatus, null, CancellationToken.None)));
    }

    [Fact]
    public async Task A_killed_run_of_stale_nodes_resumes_and_ends_identical_to_an_uninterrupted_one()
    {
        // The season as first loaded, then with one assist corrected mid-season: the second run recomputes only the
        // nodes that change reaches, and is killed eight times while doing it.
        using var temp = new TempFolder("corrected");
        var corrected = VersionFixtures.WriteCorrectedFolder(temp.File("season"), "2022-01-12", VersionFixtures.AstColumn, ast => ast + 1);
        {
            string[] season = ["--from", "2021-10-19", "--to", "2022-04-10", "--batch-size", "5", "--max-parallel", "2"];

            var dbs = new List<string>();
            var runners = new[] { new CliRunner(), new CliRunner() };
            try
            {
                foreach (var cli in runners)
                {
                    Assert.Equal(0, (await cli.RunAsync(["load", "--season-dir", RepoPaths.BundledSeason])).Code);
                    Assert.Equal(0, (await cli.RunAsync(["run", .. season])).Code);
                    Assert.Equal(0, (await cli.RunAsync(["load", "--season-dir", corrected])).Code);
                    var stale = await cli.RunAsync(["stale", "--json"]);
                    Assert.Contains("\"processor\": \"PGS\"", stale.Out, StringComparison.Ordinal);
                    dbs.Add(cli.Db);
                }
                var (code, output, err) = await runners[0].RunAsync(["run", .. season, "--json"]);
                Assert.True(code == 0, output + err);
                Assert.Matches("\"computed\": [1-9]", output);

                var random = new Random(13);
                var (kills, exit) = (0, -1);
                for (var attempt = 0; attempt < 16 && exit != 0; attempt++)
                {
                    int? killAfter = kills < 8 ? random.Next(1, 3) : null;
                    (exit, var killed) = await RunChildAsync(runners[1].Db, [.. season], killAfter);
                    if (killed) kills++;
                }
                Assert.Equal(0, exit);
                Assert.True(kills >= 4, $"only {kills} kills happened");

                await using var a = await DuckDbWarehouse.OpenAsync(dbs[0]);
                await using var b = await DuckDbWarehouse.OpenAsync(dbs[1]);
                Assert.Equal(await VersionFixtures.ContentAsync(a, Fixtures.Season2021), await VersionFixtures.ContentAsync(b, Fixtures.Season2021));
                static async Task<string> Versions(IWarehouse w) => string.Join("\n", (await w.ReadAllAsync(TableCatalog.NodeVersions, null, CancellationToken.None))
                    .Select(r => $"{r[0]} {r[1]} {r[5]}").Order(StringComparer.Ordinal));
                Assert.Equal(await Versions(a), await Versions(b));
                foreach (var p in ProcessorIds.All)
                {
                    var table = TableCatalog.OutputOf(p);
                    var keys = (await b.ReadAllAsync(table, null, CancellationToken.None)).Select(r => string.Join("|", table.Key.Select(k => CsvExport.Format(r[table.IndexOf(k)])))).ToList();
                    Assert.Equal(keys.Count, keys.Distinct().Count()); // nothing duplicated
                }
            }
            finally
            {
                foreach (var cli in runners) cli.Dispose();
            }
        }
    }

    private static string Csv(TableSchema table, IReadOnlyList<object?[]> rows)
    {
        using var writer = new StringWriter();
        CsvExport.WriteAsync(table, rows, writer).GetAwaiter().GetResult();
        return writer.ToString();
    }

    private async Task<(int Exit, bool Killed)> RunChildAsync(string db, string[] runArgs, int? killAfterLines)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "nba-backfill.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[dll, "run", .. runArgs, "--db", db]) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_PROCESSOR_COUNT"] = "64";
        start.Environment["NBA_DURABLE_VISIBILITY_SECONDS"] = "4";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = 0;
        var killed = false;
        while (true)
        {
            // A child that prints nothing for this long has stalled (a wave takes seconds; a resume waits out a 4 s
            // visibility timeout): it is killed like the others and the next one resumes it, and the stall is reported.
            using var silence = new CancellationTokenSource(StallTimeout);
            string? line;
            try
            {
                line = await process.StandardOutput.ReadLineAsync(silence.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                killed = true;
                _output.WriteLine($"stalled, killed: {string.Join(' ', runArgs)}: no output for {StallTimeout.TotalSeconds:0} s after {lines} waves");
                break;
            }
            if (line is null) break;
            if (line.StartsWith("wave ", StringComparison.Ordinal) && ++lines == killAfterLines)
            {
                process.Kill(entireProcessTree: true); // SIGKILL: no chance to clean up
                killed = true;
                break;
            }
        }
        await process.WaitForExitAsync();
        await stderr;
        return (killed ? -9 : process.ExitCode, killed);
    }
}
