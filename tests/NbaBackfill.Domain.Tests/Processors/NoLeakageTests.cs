using NbaBackfill.Calendar;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;

namespace NbaBackfill.Domain.Tests.Processors;

public class NoLeakageTests
{
    [Fact]
    public async Task Changing_the_games_of_date_X_changes_no_feature_for_dates_up_to_X()
    {
        // Inflate every stat line of X; features of dates <= X must not move, features after X must.
        var x = Fixtures.Date("2021-12-10");
        var range = new DateRange(Fixtures.Season2021.From, Fixtures.Date("2021-12-20"));
        var original = Fixtures.BundledSeason;
        var changed = original with
        {
            BoxScores = original.BoxScores.Select(b => b.GameDate == x
                ? b with { Minutes = b.Minutes + 20, Fga = b.Fga + 10, Fgm = b.Fgm + 5, Pts = b.Pts + 10, Fta = b.Fta + 4 }
                : b).ToList(),
        };
        var a = InMemoryWarehouse.Of(original);
        var b = InMemoryWarehouse.Of(changed);
        await a.RunAllAsync(range, Fixtures.Stamp);
        await b.RunAllAsync(range, Fixtures.Stamp);
        foreach (var p in ProcessorIds.All.Where(p => p != ProcessorId.PGS))
        {
            var table = TableCatalog.OutputOf(p);
            var dateIndex = table.IndexOf(table.PartitionColumn!);
            string Key(object?[] r) => string.Join("|", r.Select(CsvExport.Format));
            List<string> Rows(InMemoryWarehouse w, Func<DateOnly, bool> when) =>
                w.Rows(table).Where(r => when((DateOnly)r[dateIndex]!)).Select(Key).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(Rows(a, d => d <= x), Rows(b, d => d <= x));
            Assert.NotEqual(Rows(a, d => d > x), Rows(b, d => d > x));
        }
    }
}
