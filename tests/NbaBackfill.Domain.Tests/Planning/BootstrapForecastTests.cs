using NbaBackfill.Failures;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Domain.Tests.Processors;

namespace NbaBackfill.Domain.Tests.Planning;

public class BootstrapForecastTests
{
    [Fact]
    public void The_forecast_equals_the_bootstrap_failures_a_full_season_produces()
    {
        var season = Fixtures.BundledSeason;
        var calendar = new PlanningCalendar(season.Games, season.BoxScores.Select(b => (b.Season, b.GameDate, b.PlayerId)));
        var plan = BackfillPlanner.Plan(new BackfillRequest(Fixtures.Season2021.From, Fixtures.Season2021.To, ProcessorIds.All), calendar, (_, _) => true);
        var forecast = BootstrapForecast.Count(plan, calendar, season.Games);
        int Actual(ProcessorId p) => BundledPipeline.Result.Failures(p).Count(f => f.FailureCategory == FailureCategory.InsufficientData);
        Assert.Equal(Actual(ProcessorId.PSZA), forecast[ProcessorId.PSZA]);
        Assert.Equal(Actual(ProcessorId.TDZA), forecast[ProcessorId.TDZA]);
        Assert.Equal((5405, 300), (forecast[ProcessorId.PSZA], forecast[ProcessorId.TDZA]));
    }
}
