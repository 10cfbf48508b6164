using System.Text.Json;

namespace NbaBackfill.Cli.Tests;

public class CommandsTests
{
    public static TheoryData<string[], string> BadArguments => new()
    {
        { ["process", "--processor", "PSZA", "--from", "2021-13-01", "--to", "2021-12-31"], "--from: not a date in YYYY-MM-DD form: '2021-13-01'" },
        { ["process", "--processor", "PSZA", "--from", "2021-12-31", "--to", "2021-12-01"], "--to: 2021-12-01 is before from 2021-12-31" },
        { ["process", "--processor", "XYZ", "--from", "2021-12-01", "--to", "2021-12-31"], "unknown processor 'XYZ' (known: PGS, PSZA, TDZA, PCF, PDC, MLFS)" },
        { ["process", "--from", "2021-12-01", "--to", "2021-12-31"], "Option '--processor' is required." },
        { ["reconcile", "--from", "yesterday", "--to", "2021-12-31"], "--from: not a date in YYYY-MM-DD form: 'yesterday'" },
        { ["reconcile", "--from", "2021-12-01", "--to", "2021-12-31", "--processors", "PGS,nope"], "unknown processor 'nope' (known: PGS, PSZA, TDZA, PCF, PDC, MLFS)" },
        { ["export", "--table", "players", "--out", "x.csv"], "unknown table 'players'" },
        { ["gaps", "--from", "2021-12-01"], "Option '--to' is required." },
        { ["load", "--season-dir", "/no/such/folder"], "--season-dir: folder '/no/such/folder' does not exist" },
        { ["frobnicate"], "Unrecognized command or argument 'frobnicate'." },
        { ["run", "--from", "2021-11-01", "--to", "2021-11-30", "--on-failure", "ignore"], "--on-failure: 'ignore' is not stop or continue" },
        { ["run", "--from", "2021-11-01", "--to", "2021-11-30", "--max-parallel", "0"], "--max-parallel: 0 is not between 1 and 64" },
        { ["run", "--from", "2021-11-01", "--to", "2021-11-30", "--engine", "netherite"], "--engine: 'netherite' is not inprocess or azurestorage" },
        { ["run", "--from", "2021-11-01", "--to", "2021-11-30", "--processor-caps", "PDC=x"], "--processor-caps: 'PDC=x' is not PROCESSOR=N with N >= 1" },
        { ["run", "--from", "2021-11-01", "--to", "2021-11-30", "--inject-faults", "0.9"], "--inject-faults: 0.9 is not between 0 and 0.5" },
        { ["plan", "--from", "2021-11-30", "--to", "2021-11-01"], "--to: 2021-11-01 is before from 2021-11-30" },
        { ["retry", "--engine", "x"], "--engine: 'x' is not inprocess or azurestorage" },
        { ["serve", "--port", "70000"], "--port: 70000 is not a port number" },
        { ["run", "--from", "9999-12-31", "--to", "9999-12-31"], "--from: outside 1946-01-01..2100-12-31: 9999-12-31" },
        { ["run", "--from", "0001-01-01", "--to", "2021-11-01"], "--from: outside 1946-01-01..2100-12-31: 0001-01-01" },
        { ["plan", "--from", "2021-11-01", "--to", "2101-01-01"], "--to: outside 1946-01-01..2100-12-31: 2101-01-01" },
        { ["run", "--from", "2021-11-01", "--to", "2021-11-30", "--processors", "5"], "unknown processor '5' (known: PGS, PSZA, TDZA, PCF, PDC, MLFS)" },
        { ["process", "--processor", "PSZA,TDZA", "--from", "2021-11-01", "--to", "2021-11-30"], "unknown processor 'PSZA,TDZA'" },
        { ["run", "--from", "2021-11-01", "--to", "2021-11-30", "--processor-caps", "5=1"], "unknown processor '5'" },
        { ["run", "--from", "2021-11-01", "--to", "2021-11-30", "--batch-size", "0"], "--batch-size: 0 is not between 1 and 400" },
        { ["run", "--from", "2021-11-01", "--to", "2021-11-30", "--task-hub", "../hub"], "--task-hub: '../hub' must be 3-45 letters or digits" },
        { ["run", "--from", "2021-11-01", "--to", "2021-11-30", "--preflight", "maybe"], "--preflight: 'maybe' is not add or refuse" },
        { ["load", "--season-dir", ".", "--season", "../../x"], "--season: '../../x' is not a season id" },
        { ["load", "--from-landing", "local", "--season", "..\\x"], "--season: '..\\x' is not a season id" },
        { ["land", "--season-dir", ".", "--season", "a/b"], "--season: 'a/b' is not a season id" },
        { ["load", "--from-landing", "ftp", "--season", "2021-22"], "--from-landing: 'ftp' is not blob or local" },
        { ["stale", "--from", "2021-11-01"], "give both --from and --to, or neither" },
        { ["daily", "--catch-up-days", "0"], "--catch-up-days: 0 is not between 1 and 60" },
        { ["daily", "--landing", "ftp"], "--landing: 'ftp' is not local or blob" },
        { ["daily", "--today", "2021-13-01"], "--today: " },
        { ["stale", "--from", "2021-11-05", "--to", "2021-11-01"], "--to: 2021-11-01 is before from 2021-11-05" },
        { ["run", "--stale", "--from", "2021-11-01", "--to", "2021-11-02"], "--stale takes no --from/--to/--force" },
        { ["run", "--processors", "PGS"], "--from is required (YYYY-MM-DD)" },
        { ["load", "--season-dir", ".", "--to", "2021-11-01"], "give both --from and --to, or neither" },
        { ["land", "--season-dir", ".", "--from", "2021-11-01", "--to", "2021-10-01"], "--to: 2021-10-01 is before from 2021-11-01" },
        { ["status", "--db", "bigquery://Bad`Project/nba"], "'Bad`Project' is not a Google Cloud project id" },
        { ["status", "--db", "bigquery://my-project-1/nba;drop"], "'nba;drop' is not a BigQuery dataset id" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task Bad_arguments_give_one_clear_line_and_exit_2(string[] args, string message)
    {
        using var cli = new CliRunner();
        var (code, _, err) = await cli.RunAsync(args);
        Assert.Equal(2, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {message}", line, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.Db), "nothing is created on bad input");
    }

    [Fact]
    public async Task Load_of_one_date_stale_and_run_stale_bring_the_warehouse_up_to_date()
    {
        using var cli = new CliRunner();
        Assert.Equal(0, (await cli.RunAsync("load", "--season-dir", RepoPaths.BundledSeason)).Code);
        Assert.Equal(0, (await cli.RunAsync("run", "--from", "2021-10-19", "--to", "2021-10-31")).Code);
        Assert.Equal("[]", (await cli.RunAsync("stale", "--from", "2021-10-19", "--to", "2021-10-31", "--json")).Out.Trim());

        // A correction of Oct 25 in a copy of the season folder, loaded for that date only.
        var corrected = VersionFixtures.WriteCorrectedFolder(Path.Combine(cli.Dir, "corrected"), "2021-10-25", VersionFixtures.PtsColumn, pts => pts + 2);
        var (code, loaded, _) = await cli.RunAsync("load", "--season-dir", corrected, "--from", "2021-10-25", "--to", "2021-10-25");
        Assert.Equal(0, code);
        Assert.StartsWith("replaced 2021-10-25..2021-10-25 of loaded season 2021-22", loaded, StringComparison.Ordinal);

        var (_, stale, _) = await cli.RunAsync("stale", "--from", "2021-10-19", "--to", "2021-10-31", "--json");
        using (var doc = System.Text.Json.JsonDocument.Parse(stale))
        {
            var node = Assert.Single(doc.RootElement.EnumerateArray());
            Assert.Equal(("PGS", "2021-10-25", "raw 2021-10-25 changed"),
                (node.GetProperty("processor").GetString(), node.GetProperty("date").GetString(), node.GetProperty("reasons")[0].GetString()));
        }
        var (_, text, _) = await cli.RunAsync("stale", "--from", "2021-10-19", "--to", "2021-10-31");
        Assert.Contains("PGS   2021-10-25  raw 2021-10-25 changed", text, StringComparison.Ordinal);

        // run --stale: that node, what it reaches, and every never-run node of the loaded season.
        var (runCode, run, runErr) = await cli.RunAsync("run", "--stale", "--json");
        Assert.True(runCode == 0, run + runErr);
        using (var doc = System.Text.Json.JsonDocument.Parse(run))
        {
            Assert.InRange(doc.RootElement.GetProperty("computed").GetInt32(), 900, 990);
        }
        Assert.Equal("[]", (await cli.RunAsync("stale", "--json")).Out.Trim());
        Assert.Equal("nothing stale", (await cli.RunAsync("run", "--stale")).Out.Trim());
    }

    [Fact]
    public async Task Daily_computes_the_never_run_dates_of_its_window_once()
    {
        using var cli = new CliRunner();
        Assert.Equal(0, (await cli.RunAsync("load", "--season-dir", RepoPaths.BundledSeason)).Code);
        Assert.Equal(0, (await cli.RunAsync("run", "--from", "2021-10-19", "--to", "2021-10-30")).Code);
        var (code, output, err) = await cli.RunAsync("daily", "--today", "2021-11-02", "--catch-up-days", "3");
        Assert.True(code == 0, output + err);
        Assert.Contains("2021-10-30 Done: every node fresh", output, StringComparison.Ordinal);
        Assert.Contains("2021-10-31 Started: 6 stale or never-run node(s)", output, StringComparison.Ordinal);
        Assert.Contains("2021-11-01 Started", output, StringComparison.Ordinal);
        Assert.Contains("run daily-2021-11-01: Completed", output, StringComparison.Ordinal);
        (code, output, _) = await cli.RunAsync("daily", "--today", "2021-11-02", "--catch-up-days", "3");
        Assert.Equal(0, code);
        Assert.DoesNotContain("Started", output, StringComparison.Ordinal);
        Assert.Equal(3, output.Split('\n').Count(l => l.Contains(" Done: every node fresh", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_season_folder_with_a_missing_file_is_refused_and_nothing_is_loaded()
    {
        using var cli = new CliRunner();
        var season = Path.Combine(cli.Dir, "season");
        Directory.CreateDirectory(season);
        File.Copy(Path.Combine(RepoPaths.BundledSeason, "teams.csv"), Path.Combine(season, "teams.csv"));
        File.Copy(Path.Combine(RepoPaths.BundledSeason, "games.csv"), Path.Combine(season, "games.csv"));
        var (code, _, err) = await cli.RunAsync("load", "--season-dir", season);
        Assert.Equal(2, code);
        Assert.Equal($"error: {Path.Combine(season, "player_box_scores.csv")}: required file is missing\n", err);
        var (_, gaps, _) = await cli.RunAsync("gaps", "--from", "2021-10-19", "--to", "2021-10-19");
        Assert.Contains("NO_GAMES", gaps, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_process_reconcile_export_and_gaps_over_the_bundled_season()
    {
        using var cli = new CliRunner();
        var (code, output, err) = await cli.RunAsync("load", "--season-dir", RepoPaths.BundledSeason);
        Assert.True(code == 0, err);
        Assert.Contains("loaded season 2021-22: 30 teams, 1230 games (2021-10-19..2022-04-10), 26039 box-score rows", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(cli.Dir, "landing", "raw", "2021-22", "2021-12-25", "player_box_scores.csv")));

        foreach (var p in new[] { "PGS", "PSZA", "TDZA", "PCF", "PDC", "MLFS" })
        {
            (code, output, err) = await cli.RunAsync("process", "--processor", p, "--from", "2021-10-19", "--to", "2022-04-10");
            Assert.True(code == 0, err);
            Assert.StartsWith($"{p} 2021-10-19..2022-04-10: 165 game date(s)", output, StringComparison.Ordinal);
        }

        (code, output, _) = await cli.RunAsync("reconcile", "--from", "2021-10-19", "--to", "2022-04-10", "--json");
        Assert.Equal(0, code);
        var report = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal(["PGS", "PSZA", "TDZA", "PCF", "PDC", "MLFS"], report.Select(r => r.GetProperty("processor").GetString()));
        Assert.All(report, r =>
        {
            Assert.Equal(0, r.GetProperty("unaccounted").GetInt32());
            Assert.Equal(0, r.GetProperty("orphans").GetInt32());
            Assert.Equal(0, r.GetProperty("both").GetInt32());
            Assert.Equal(1.0, r.GetProperty("coverage").GetDouble());
            Assert.Equal(r.GetProperty("expected").GetInt32(), r.GetProperty("has_record").GetInt32() + r.GetProperty("has_failure").GetInt32());
        });

        (code, output, _) = await cli.RunAsync("reconcile", "--from", "2021-12-24", "--to", "2021-12-25", "--json", "--per-date", "--processors", "PDC");
        var dates = JsonDocument.Parse(output).RootElement[0].GetProperty("dates").EnumerateArray().ToList();
        Assert.Equal("2021-12-25", Assert.Single(dates).GetProperty("date").GetString());

        var csv = Path.Combine(cli.Dir, "out", "pgs.csv");
        (code, _, _) = await cli.RunAsync("export", "--table", "player_game_summary", "--out", csv);
        Assert.Equal(0, code);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(26040, lines.Length);
        Assert.StartsWith("game_date,game_id,season,player_id,player_lookup,player_name,team_abbr,opponent_abbr,is_home,minutes", lines[0], StringComparison.Ordinal);
        foreach (var table in new[] { "precompute_failures", "analytics_failures", "backfill_status", "ml_feature_store_v2", "raw_rejects" })
        {
            (code, _, err) = await cli.RunAsync("export", "--table", table, "--out", Path.Combine(cli.Dir, "out", table + ".csv"));
            Assert.True(code == 0, err);
        }
        Assert.StartsWith("processor_name,analysis_date,entity_id,entity_type,failure_category,failure_reason,can_retry,missing_game_ids,failure_type,is_correctable,expected_game_count,actual_game_count,missing_game_dates,raw_data_checked,resolution_status,resolved_at,run_id,created_at",
            File.ReadLines(Path.Combine(cli.Dir, "out", "precompute_failures.csv")).First(), StringComparison.Ordinal);

        (code, output, _) = await cli.RunAsync("gaps", "--from", "2021-12-23", "--to", "2021-12-25");
        var grid = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, grid.Length);
        Assert.EndsWith("NO_GAMES", grid[2], StringComparison.Ordinal);
        Assert.Contains("2021-12-25", grid[3], StringComparison.Ordinal);
        Assert.EndsWith(" ok", grid[3], StringComparison.Ordinal);

        // Deleting one failure row is caught: exit 1 and one unaccounted entity.
        await using (var w = await NbaBackfill.Warehouse.DuckDb.DuckDbWarehouse.OpenAsync(cli.Db))
        {
            Assert.Equal(1, await w.DeleteFailuresAsync(Processors.ProcessorId.PSZA, new DateOnly(2021, 10, 19), "201572", CancellationToken.None));
        }
        (code, output, _) = await cli.RunAsync("reconcile", "--from", "2021-10-19", "--to", "2021-10-19");
        Assert.Equal(1, code);
        Assert.Contains("NOT complete", output, StringComparison.Ordinal);
    }
}
