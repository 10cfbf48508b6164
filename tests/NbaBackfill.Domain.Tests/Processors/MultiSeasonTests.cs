using System.Globalization;
using NbaBackfill.Calendar;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Reconciliation;
using NbaBackfill.Tables;

namespace NbaBackfill.Domain.Tests.Processors;

/// <summary>
/// Two seasons in one warehouse (the bundled one and a copy a year later): lookbacks stop at the season's first
/// game, a run over both gives each exactly its own rows, and reconciliation read a window at a time adds up.
/// </summary>
public sealed class MultiSeasonTests
{
    private static readonly RawSeason Next = SyntheticSeasons.Shifted(Fixtures.BundledSeason, 1);

    private static readonly DateRange Both = new(Fixtures.Season2021.From, Next.GameDates[^1]);

    private static readonly Lazy<InMemoryWarehouse> Computed = new(() =>
    {
        var w = TwoSeasons();
        w.RunAllAsync(Both, Fixtures.Stamp).GetAwaiter().GetResult();
        return w;
    });

    private static InMemoryWarehouse TwoSeasons()
    {
        var w = InMemoryWarehouse.Of(Fixtures.BundledSeason);
        w.AddRaw(Next);
        return w;
    }

    [Fact]
    public async Task A_range_reads_back_to_the_first_game_of_its_season_and_not_into_the_previous_one()
    {
        var w = TwoSeasons();
        var (first, next) = (Fixtures.BundledSeason.GameDates, Next.GameDates);

        var early = await Schedule.SeasonHistoryAsync(w, new DateRange(next[3], next[10]), CancellationToken.None);
        Assert.Equal(new DateRange(next[0], next[10]), early.Range);
        Assert.All(early.Games, g => Assert.Equal(Next.Season, g.Season));

        var mid = await Schedule.SeasonHistoryAsync(w, new DateRange(first[100], first[110]), CancellationToken.None);
        Assert.Equal(new DateRange(first[0], first[110]), mid.Range);
        Assert.Equal(Fixtures.BundledSeason.Games.Count(g => g.GameDate <= first[110]), mid.Games.Count);

        // Over the off-season: both seasons, from the first one's opening night.
        var across = await Schedule.SeasonHistoryAsync(w, new DateRange(first[^1], next[2]), CancellationToken.None);
        Assert.Equal(first[0], across.Range.From);
    }

    [Fact]
    public void One_run_over_two_seasons_gives_each_season_exactly_its_own_rows()
    {
        var original = BundledPipeline.Result;
        foreach (var processor in ProcessorIds.All)
        {
            var table = TableCatalog.OutputOf(processor);
            var dateIndex = table.IndexOf(table.PartitionColumn!);
            var expected = original.Rows(table).Select(r => Canonical(r, shifted: false)).Order(StringComparer.Ordinal).ToList();
            var rows = Computed.Value.Rows(table);
            var firstSeason = rows.Where(r => (DateOnly)r[dateIndex]! <= Fixtures.Season2021.To).Select(r => Canonical(r, shifted: false));
            var nextSeason = rows.Where(r => (DateOnly)r[dateIndex]! > Fixtures.Season2021.To).Select(r => Canonical(r, shifted: true));
            Assert.True(expected.SequenceEqual(firstSeason.Order(StringComparer.Ordinal)), $"{processor}: the first season changed beside a second one");
            Assert.True(expected.SequenceEqual(nextSeason.Order(StringComparer.Ordinal)), $"{processor}: the shifted season is not the original shifted");
        }
    }

    [Fact]
    public async Task Reconciling_two_seasons_window_by_window_adds_up_to_each_season_alone()
    {
        var w = Computed.Value;
        var nextRange = new DateRange(Next.GameDates[0], Next.GameDates[^1]);
        Assert.True(Both.To.DayNumber - Both.From.DayNumber > 2 * ReconciliationReader.WindowDays, "the range spans several windows");
        var both = await ReconciliationReader.ReconcileAsync(w, Both, ProcessorIds.All, CancellationToken.None);
        var first = await ReconciliationReader.ReconcileAsync(w, Fixtures.Season2021, ProcessorIds.All, CancellationToken.None);
        var next = await ReconciliationReader.ReconcileAsync(w, nextRange, ProcessorIds.All, CancellationToken.None);
        for (var i = 0; i < both.Count; i++)
        {
            Assert.Equal(first[i].Totals.Plus(next[i].Totals), both[i].Totals);
            Assert.True(both[i].Totals.IsClean, $"{both[i].Processor}: {both[i].Totals}");
            Assert.Equal(first[i].Dates.Concat(next[i].Dates), both[i].Dates);
        }
        Assert.Equal([2 * 26039, 2 * 20634, 2 * 2160, 2 * 20546, 2 * 11887, 2 * 11887], both.Select(r => r.Totals.HasRecord));
    }

    /// <summary>A row as text, a shifted season's dates, season id and game ids mapped back to the original's.</summary>
    private static string Canonical(object?[] row, bool shifted) => string.Join("|", row.Select(v => v switch
    {
        DateOnly d => DateRange.Format(shifted ? d.AddDays(-SyntheticSeasons.YearInDays) : d),
        string s when shifted && s == Next.Season => Fixtures.BundledSeason.Season,
        string s when shifted && s.Length == 10 && s.StartsWith("01", StringComparison.Ordinal) && s.All(char.IsAsciiDigit) => "00" + s[2..],
        double?[] a => string.Join(",", a.Select(x => x?.ToString("R", CultureInfo.InvariantCulture) ?? "null")),
        string[] a => string.Join(",", a),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "null",
    }));
}
