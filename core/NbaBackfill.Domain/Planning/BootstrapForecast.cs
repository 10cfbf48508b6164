using NbaBackfill.Processors;

namespace NbaBackfill.Planning;

/// <summary>
/// How many season-bootstrap failures a plan should produce, known before anything runs: player-dates with fewer
/// prior games than PSZA's minimum, team-dates with fewer than TDZA's. A dry run shows them so nobody mistakes them
/// for bugs afterwards.
/// </summary>
public static class BootstrapForecast
{
    public static IReadOnlyDictionary<ProcessorId, int> Count(BackfillPlan plan, PlanningCalendar calendar, IEnumerable<Raw.RawGame> games)
    {
        var result = new Dictionary<ProcessorId, int>();
        var context = new ForecastContext(calendar, games.ToList());
        foreach (var node in plan.Nodes)
        {
            if (ProcessorRegistry.Default.Of(node.Processor).BootstrapSkips is not { } skipsOf) continue;
            var skips = skipsOf(node.Date, context);
            if (skips > 0) result[node.Processor] = result.GetValueOrDefault(node.Processor) + skips;
        }
        return result;
    }
}
