using NbaBackfill.Tables;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Cli.Tests;

/// <summary>The CLI as an attacker or a careless operator meets it: hostile CSV cells, signals, a second process.</summary>
[Collection("durable hosts")]
public sealed class HardeningCliTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly Dictionary<string, string> Token = new() { ["NBA_API_TOKEN"] = new string('t', 40) };

    [Fact]
    public async Task A_season_cell_that_names_a_path_is_refused_and_deletes_nothing()
    {
        using var cli = new CliRunner();
        // Where raw/{season} of the landing folder would have pointed: the old loader deleted it recursively.
        var victim = Path.Combine(cli.Dir, "victim");
        Directory.CreateDirectory(victim);
        File.WriteAllText(Path.Combine(victim, "keep.txt"), "precious");
        var season = MiniSeason.Daily("../../victim", MiniSeason.Day1, 3).WriteTo(Path.Combine(cli.Dir, "season"));

        var (code, _, err) = await cli.RunAsync("load", "--season-dir", season);
        Assert.Equal(2, code);
        Assert.Contains("season '../../victim' is not a season id", Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        (code, _, err) = await cli.RunAsync("load", "--season-dir", RepoPaths.BundledSeason, "--season", "../victim");
        Assert.Equal((2, "error: --season: '../victim' is not a season id (1-32 letters, digits, '-' or '_' (e.g. 2021-22))\n"), (code, err));
        (code, _, _) = await cli.RunAsync("land", "--season-dir", season, "--storage", "UseDevelopmentStorage=true");
        Assert.Equal(2, code);

        Assert.Equal("precious", File.ReadAllText(Path.Combine(victim, "keep.txt")));
        Assert.False(File.Exists(cli.Db), "nothing is opened on bad input");
        Assert.False(Directory.Exists(Path.Combine(cli.Dir, "landing")));
    }

    [Fact]
    public async Task Sigterm_stops_serve_cleanly()
    {
        using var cli = new CliRunner();
        using var serve = ChildCli.Start(["serve", "--port", BundledEngine.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", cli.Db], Token);
        await serve.WaitForOutputAsync(l => l.StartsWith("serving ", StringComparison.Ordinal), Patience);
        await serve.SignalAsync("TERM");
        Assert.Equal(0, await serve.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("stopping (SIGTERM)", serve.Err, StringComparison.Ordinal);
        // The file was closed properly: another process opens it at once.
        await using var reopened = await DuckDbWarehouse.OpenAsync(cli.Db);
    }

    [Fact]
    public async Task Sigterm_stops_a_run_between_transactions_and_the_same_command_resumes_it()
    {
        using var cli = new CliRunner();
        Assert.Equal(0, (await cli.RunAsync("load", "--season-dir", RepoPaths.BundledSeason)).Code);
        string[] run = ["run", "--from", "2021-11-01", "--to", "2021-11-30", "--batch-size", "1", "--max-parallel", "1", "--db", cli.Db];
        using (var first = ChildCli.Start(run))
        {
            await first.WaitForOutputAsync(l => l.StartsWith("wave 3", StringComparison.Ordinal), Patience);
            await first.SignalAsync("TERM");
            Assert.Equal(130, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("re-run the same command to resume", first.Err, StringComparison.Ordinal);
        }
        using var second = ChildCli.Start(run);
        Assert.Equal(0, await second.WaitForExitAsync(Patience));
        Assert.Contains("resuming run bf-20211101-20211130-", second.Out, StringComparison.Ordinal);
        await using var warehouse = await DuckDbWarehouse.OpenAsync(cli.Db);
        Assert.Single(await warehouse.ReadAllAsync(TableCatalog.BackfillRuns, null, CancellationToken.None));
    }

    [Fact]
    public async Task A_second_process_on_the_same_duckdb_file_gets_one_clear_line_and_changes_nothing()
    {
        using var cli = new CliRunner();
        Assert.Equal(0, (await cli.RunAsync("load", "--season-dir", RepoPaths.BundledSeason)).Code);
        var before = await File.ReadAllBytesAsync(cli.Db);
        using var serve = ChildCli.Start(["serve", "--port", BundledEngine.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", cli.Db], Token);
        await serve.WaitForOutputAsync(l => l.StartsWith("serving ", StringComparison.Ordinal), Patience);
        foreach (var args in new[]
                 {
                     new[] { "run", "--from", "2021-11-01", "--to", "2021-11-02" },
                     ["load", "--season-dir", RepoPaths.BundledSeason],
                     ["process", "--processor", "PGS", "--from", "2021-11-01", "--to", "2021-11-02"],
                     ["status"],
                 })
        {
            var (code, _, err) = await cli.RunAsync(args);
            Assert.Equal(2, code);
            var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("is in use by another process", line, StringComparison.Ordinal);
        }
        await serve.SignalAsync("TERM");
        Assert.Equal(0, await serve.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await using var warehouse = await DuckDbWarehouse.OpenAsync(cli.Db);
        Assert.Empty(await warehouse.ReadAllAsync(TableCatalog.BackfillRuns, null, CancellationToken.None));
        Assert.Empty(await warehouse.ReadAllAsync(TableCatalog.OutputOf(Processors.ProcessorId.PGS), null, CancellationToken.None));
        Assert.NotEmpty(before);
    }
}
