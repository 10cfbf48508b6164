using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;

namespace NbaBackfill.TestSupport;

/// <summary>Changed copies of the bundled season and the table comparisons the version proofs make.</summary>
public static class VersionFixtures
{
    /// <summary>The date of the corrected stat: mid-season.</summary>
    public static readonly DateOnly CorrectedDate = new(2022, 1, 12);

    /// <summary>The bundled season with one more assist for the first player of <paramref name="date"/>'s first game.</summary>
    public static RawSeason WithOneStatCorrected(DateOnly? date = null)
    {
        var season = Fixtures.BundledSeason;
        var d = date ?? CorrectedDate;
        var target = season.BoxScores.First(b => b.GameDate == d);
        return season with { BoxScores = season.BoxScores.Select(b => ReferenceEquals(b, target) ? b with { Ast = b.Ast + 1 } : b).ToList() };
    }

    /// <summary>The bundled season without one game's box scores (a late scrape): its teams' later nodes see a DATA_GAP.</summary>
    public static RawSeason WithoutBoxScoresOf(string gameId) =>
        Fixtures.BundledSeason with { BoxScores = Fixtures.BundledSeason.BoxScores.Where(b => b.GameId != gameId).ToList() };

    /// <summary>
    /// A copy of the bundled season folder under <paramref name="dir"/>: every box-score line kept, except the ones
    /// <paramref name="edit"/> changes (given the line's cells, it returns the new line, or null to drop it).
    /// </summary>
    public static string WriteSeasonFolder(string dir, Func<string[], string?> edit)
    {
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(RepoPaths.BundledSeason, "*.csv"))
        {
            var lines = File.ReadAllLines(file);
            File.WriteAllLines(Path.Combine(dir, Path.GetFileName(file)), Path.GetFileName(file) != SeasonParser.BoxScoresFile
                ? lines
                : lines.Select((l, i) => i == 0 ? l : edit(l.Split(','))).OfType<string>());
        }
        return dir;
    }

    /// <summary>The season folder with column <paramref name="column"/> of the first box-score line of <paramref name="date"/> set by <paramref name="change"/>.</summary>
    public static string WriteCorrectedFolder(string dir, string date, int column, Func<int, int> change)
    {
        var done = false;
        return WriteSeasonFolder(dir, cells =>
        {
            if (!done && cells[1] == date)
            {
                done = true;
                cells[column] = change(int.Parse(cells[column], System.Globalization.CultureInfo.InvariantCulture)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            return string.Join(",", cells);
        });
    }

    /// <summary>Columns of player_box_scores.csv the tests correct.</summary>
    public const int AstColumn = 19, PtsColumn = 24;

    /// <summary>
    /// Every output table's rows and every unresolved failure's substance (not who wrote it or when) in the range:
    /// what must be identical between an incremental and a fresh computation.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> ContentAsync(IWarehouse w, DateRange range)
    {
        var result = new Dictionary<string, string>();
        foreach (var p in ProcessorIds.All)
        {
            var table = TableCatalog.OutputOf(p);
            result[table.Name] = Versions.ContentHash.Of(await w.ReadAllAsync(table, range, CancellationToken.None));
        }
        foreach (var table in new[] { TableCatalog.AnalyticsFailures, TableCatalog.PrecomputeFailures })
        {
            var open = (await w.ReadAllAsync(table, range, CancellationToken.None)).Select(r => FailureRecord.From(new Row(r))).Where(f => f.IsUnresolved);
            result[table.Name] = Versions.ContentHash.Of(open.Select(f => f.ToValues().Take(FailureRecord.SubstanceColumns).ToArray()));
        }
        return result;
    }
}
