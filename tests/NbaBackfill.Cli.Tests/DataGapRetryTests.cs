using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Cli.Tests;

/// <summary>
/// A data gap end to end: the raw rows of one game are missing → DATA_GAP, correctable failures for exactly the
/// affected players; the rows are restored and `retry --correctable-only` → RESOLVED and tables equal to a clean run.
/// </summary>
[Collection("durable hosts")]
public class DataGapRetryTests
{
    private static readonly string[] Range = ["--from", "2021-11-15", "--to", "2021-12-10"];

    [Fact]
    public async Task Missing_game_rows_become_DATA_GAP_and_a_correctable_retry_resolves_them()
    {
        using var clean = new CliRunner();
        Assert.Equal(0, (await clean.RunAsync(["run", "--season-dir", RepoPaths.BundledSeason, .. Range])).Code);

        using var gap = new CliRunner();
        var games = File.ReadAllLines(Path.Combine(RepoPaths.BundledSeason, "games.csv"));
        var game = games.First(l => l.Contains(",2021-11-20,", StringComparison.Ordinal)).Split(',');
        var (gameId, home, away) = (game[0], game[2], game[3]);
        var season = Path.Combine(gap.Dir, "season");
        Directory.CreateDirectory(season);
        foreach (var f in new[] { "teams.csv", "games.csv" }) File.Copy(Path.Combine(RepoPaths.BundledSeason, f), Path.Combine(season, f));
        File.WriteAllLines(Path.Combine(season, "player_box_scores.csv"),
            File.ReadLines(Path.Combine(RepoPaths.BundledSeason, "player_box_scores.csv")).Where(l => !l.StartsWith(gameId + ",", StringComparison.Ordinal)));

        var (code, output, err) = await gap.RunAsync(["run", "--season-dir", season, .. Range]);
        Assert.True(code == 0, output + err);

        var range = new DateRange(new DateOnly(2021, 11, 15), new DateOnly(2021, 12, 10));
        HashSet<(DateOnly, string)> cleanFailures;
        await using (var w = await DuckDbWarehouse.OpenAsync(clean.Db))
        {
            cleanFailures = (await w.ReadUnresolvedFailuresAsync(ProcessorId.PDC, range, CancellationToken.None)).Select(f => (f.AnalysisDate, f.EntityId)).ToHashSet();
        }
        await using (var w = await DuckDbWarehouse.OpenAsync(gap.Db))
        {
            var pdc = await w.ReadUnresolvedFailuresAsync(ProcessorId.PDC, range, CancellationToken.None);
            var extra = pdc.Where(f => !cleanFailures.Contains((f.AnalysisDate, f.EntityId))).ToList();
            Assert.NotEmpty(extra);
            var teamOf = (await w.ReadAsync(PgsRow.Schema, range, PgsRow.From, CancellationToken.None)).ToDictionary(r => (r.GameDate, r.EntityId), r => r.TeamAbbr);
            Assert.All(extra, f =>
            {
                // Completeness below 0.9, or a window one game short (typed DATA_GAP, not a bootstrap) inherited from PSZA.
                Assert.Contains(f.FailureCategory, new[] { FailureCategory.IncompleteData, FailureCategory.MissingUpstream });
                Assert.Contains(f.FailureType, new[] { FailureType.DataGap, FailureType.Mixed });
                Assert.True(f.IsCorrectable);
                Assert.Contains(gameId, JsonSerializer.Deserialize<string[]>(f.MissingGameIds!)!);
                Assert.Contains(teamOf[(f.AnalysisDate, f.EntityId)], new[] { home, away });
            });
        }

        // Restore the rows and retry only what is correctable.
        Assert.Equal(0, (await gap.RunAsync(["load", "--season-dir", RepoPaths.BundledSeason])).Code);
        (code, output, err) = await gap.RunAsync(["retry", "--correctable-only"]);
        Assert.True(code == 0, output + err);
        Assert.Contains("-retry1", output, StringComparison.Ordinal);

        await using var a = await DuckDbWarehouse.OpenAsync(clean.Db);
        await using var b = await DuckDbWarehouse.OpenAsync(gap.Db);
        foreach (var p in ProcessorIds.All)
        {
            Assert.Equal(await ChecksumAsync(a, TableCatalog.OutputOf(p), range), await ChecksumAsync(b, TableCatalog.OutputOf(p), range));
        }
        var resolved = (await b.ReadAllAsync(TableCatalog.PrecomputeFailures, range, CancellationToken.None))
            .Select(r => FailureRecord.From(new Row(r))).Where(f => f.ResolutionStatus == ResolutionStatus.Resolved).ToList();
        Assert.Contains(resolved, f => f.ProcessorName == ProcessorId.PDC && f.FailureType == FailureType.DataGap && f.ResolvedAt is not null);
        Assert.Equal(0, (await gap.RunAsync(["reconcile", .. Range])).Code);
    }

    private static async Task<string> ChecksumAsync(DuckDbWarehouse w, TableSchema table, DateRange range)
    {
        await using var writer = new StringWriter();
        await CsvExport.WriteAsync(table, await w.ReadAllAsync(table, range, CancellationToken.None), writer);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(writer.ToString())));
    }
}
