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
        var teamGames = games.SelectMany(g => g.Teams.Select(t => (g.Season, Team: t, g.GameDate))).ToLookup(x => (x.Season, x.Team), x => x.GameDate);
        foreach (var node in plan.Nodes)
        {
            var season = calendar.SeasonOf.GetValueOrDefault(node.Date);
            if (season is null) continue;
            var skips = node.Processor switch
            {
                ProcessorId.PSZA => calendar.PlayersOn.GetValueOrDefault(node.Date, [])
                    .Count(p => calendar.PlayerDatesBefore(season, p, node.Date).Length < PlayerShotZoneAnalysisProcessor.MinimumGames),
                ProcessorId.TDZA => games.Where(g => g.GameDate == node.Date).SelectMany(g => g.Teams)
                    .Count(t => teamGames[(season, t)].Count(d => d < node.Date) < TeamDefenseZoneAnalysisProcessor.MinimumGames),
                _ => 0,
            };
            if (skips > 0) result[node.Processor] = result.GetValueOrDefault(node.Processor) + skips;
        }
        return result;
    }
}
