using NbaBackfill.Processors;

namespace NbaBackfill.Planning;

/// <summary>
/// Pure planning: which (processor, date) nodes, their exact dependencies (same-date DAG edges plus the PGS dates each
/// node's lookback reads), and the pre-flight verdict for upstream outside the range.
/// </summary>
public static class BackfillPlanner
{
    /// <param name="isPresent">Whether a node outside the plan already has its output (rows or failures) in the warehouse.</param>
    public static BackfillPlan Plan(BackfillRequest request, PlanningCalendar calendar, Func<ProcessorId, DateOnly, bool> isPresent)
    {
        if (request.To < request.From) throw new ArgumentException("to is before from");
        var inRange = calendar.Dates.Where(d => d >= request.From && d <= request.To).ToList();
        var gameDateSet = inRange.ToHashSet();
        var noGames = new List<DateOnly>();
        for (var d = request.From; d <= request.To; d = d.AddDays(1))
        {
            if (!gameDateSet.Contains(d)) noGames.Add(d);
        }

        var planned = new HashSet<(ProcessorId, DateOnly)>();
        var queue = new Queue<(ProcessorId, DateOnly)>();
        var requested = request.Only is { } only
            ? only.Where(n => gameDateSet.Contains(n.Date)).Select(n => (n.Processor, n.Date))
            : request.Processors.Distinct().Order().SelectMany(p => inRange.Select(d => (p, d)));
        foreach (var node in requested)
        {
            if (planned.Add(node)) queue.Enqueue(node);
        }

        var added = new List<PlanNode>();
        var missing = new HashSet<(ProcessorId, DateOnly)>();
        var deps = new Dictionary<(ProcessorId, DateOnly), List<(ProcessorId, DateOnly)>>();
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            var needs = DependenciesOf(node.Item1, node.Item2, calendar);
            deps[node] = needs;
            foreach (var need in needs)
            {
                if (planned.Contains(need) || request.Preflight == PreflightMode.Skip || isPresent(need.Item1, need.Item2)) continue;
                if (request.Preflight == PreflightMode.Refuse)
                {
                    missing.Add(need);
                    continue;
                }
                planned.Add(need);
                added.Add(new PlanNode(need.Item1, need.Item2, calendar.IndexOf[need.Item2]));
                queue.Enqueue(need);
            }
        }

        // DAG order then date order is a topological order: every dependency is an earlier node.
        var nodes = planned.OrderBy(n => n.Item1).ThenBy(n => n.Item2)
            .Select(n => new PlanNode(n.Item1, n.Item2, calendar.IndexOf[n.Item2])).ToList();
        var index = nodes.Select((n, i) => ((n.Processor, n.Date), i)).ToDictionary(x => x.Item1, x => x.i);
        var dependencies = nodes
            .Select(n => deps[(n.Processor, n.Date)].Where(index.ContainsKey).Select(d => index[d]).Distinct().Order().ToArray())
            .ToList();
        return new BackfillPlan(
            request, inRange, noGames, nodes, dependencies,
            added.OrderBy(n => n.Processor).ThenBy(n => n.Date).ToList(),
            missing.OrderBy(n => n.Item1).ThenBy(n => n.Item2).Select(n => new PlanNode(n.Item1, n.Item2, calendar.IndexOf[n.Item2])).ToList(),
            request.Preflight == PreflightMode.Skip);
    }

    /// <summary>
    /// The seeds and every node of the plan that reads one of them, directly or transitively: what must run again
    /// when the seeds' inputs changed (a retry after raw data was fixed).
    /// </summary>
    public static IReadOnlyList<NodeKey> Downstream(BackfillPlan plan, IEnumerable<NodeKey> seeds)
    {
        var marked = new bool[plan.Nodes.Count];
        var seedSet = seeds.ToHashSet();
        for (var i = 0; i < plan.Nodes.Count; i++)
        {
            var n = plan.Nodes[i];
            marked[i] = seedSet.Contains(new NodeKey(n.Processor, n.Date)) || plan.Dependencies[i].Any(d => marked[d]);
        }
        return plan.Nodes.Where((_, i) => marked[i]).Select(n => new NodeKey(n.Processor, n.Date)).ToList();
    }

    /// <summary>The nodes whose output (processor, date) reads: its same-date upstream and its PGS lookback dates.</summary>
    public static List<(ProcessorId, DateOnly)> DependenciesOf(ProcessorId processor, DateOnly date, PlanningCalendar calendar)
    {
        var result = ProcessorIds.Upstream(processor).Select(u => (u, date)).ToList();
        var season = calendar.SeasonOf.GetValueOrDefault(date);
        var players = calendar.PlayersOn.GetValueOrDefault(date, []);
        var pgsDates = new HashSet<DateOnly>();
        switch (processor)
        {
            case ProcessorId.PSZA:
                // Each player's last 10 games before D.
                foreach (var p in players)
                {
                    var before = calendar.PlayerDatesBefore(season!, p, date);
                    foreach (var d in before[Math.Max(0, before.Length - PlayerShotZoneAnalysisProcessor.WindowGames)..]) pgsDates.Add(d);
                }
                break;
            case ProcessorId.TDZA:
                // Team windows, and league values over every player row before D: the whole season so far.
                pgsDates.UnionWith(calendar.SeasonDatesBefore(date));
                break;
            case ProcessorId.PCF:
                // Previous game (days_rest) and the 7-day window.
                foreach (var p in players)
                {
                    var before = calendar.PlayerDatesBefore(season!, p, date);
                    for (var i = before.Length - 1; i >= 0; i--)
                    {
                        if (i < before.Length - 1 && before[i] < date.AddDays(-7)) break;
                        pgsDates.Add(before[i]);
                    }
                }
                break;
            case ProcessorId.PDC:
                // Season-to-date averages of every player, and the 14-day completeness window (rows of every game).
                foreach (var p in players)
                {
                    foreach (var d in calendar.PlayerDatesBefore(season!, p, date)) pgsDates.Add(d);
                }
                pgsDates.UnionWith(calendar.SeasonDatesBefore(date).Where(d => d >= date.AddDays(-PlayerDailyCacheProcessor.CompletenessWindowDays)));
                break;
        }
        result.AddRange(pgsDates.Order().Select(d => (ProcessorId.PGS, d)));
        return result;
    }
}
