using NbaBackfill.Processors;

namespace NbaBackfill.Planning;

/// <summary>
/// Pure planning: which (processor, date) nodes, their exact dependencies (same-date DAG edges plus the PGS dates each
/// node's lookback reads), and the pre-flight verdict for upstream outside the range.
/// </summary>
public static class BackfillPlanner
{
    /// <param name="isPresent">Whether a node outside the plan already has its output (rows or failures) in the warehouse.</param>
    /// <param name="registry">The processors (default: this pipeline's).</param>
    public static BackfillPlan Plan(
        BackfillRequest request, PlanningCalendar calendar, Func<ProcessorId, DateOnly, bool> isPresent, ProcessorRegistry? registry = null)
    {
        registry ??= ProcessorRegistry.Default;
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
            : request.Processors.Distinct().OrderBy(registry.RankOf).SelectMany(p => inRange.Select(d => (p, d)));
        foreach (var node in requested)
        {
            if (planned.Add(node)) queue.Enqueue(node);
        }

        var added = new List<PlanNode>();
        var missing = new HashSet<(ProcessorId, DateOnly)>();
        var deps = new Dictionary<(ProcessorId, DateOnly), IReadOnlyList<(ProcessorId Processor, DateOnly Date)>>();
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            var needs = DependenciesOf(node.Item1, node.Item2, calendar, registry);
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
        var nodes = planned.OrderBy(n => registry.RankOf(n.Item1)).ThenBy(n => n.Item2)
            .Select(n => new PlanNode(n.Item1, n.Item2, calendar.IndexOf[n.Item2])).ToList();
        var index = nodes.Select((n, i) => ((n.Processor, n.Date), i)).ToDictionary(x => x.Item1, x => x.i);
        var dependencies = nodes
            .Select(n => deps[(n.Processor, n.Date)].Where(index.ContainsKey).Select(d => index[d]).Distinct().Order().ToArray())
            .ToList();
        return new BackfillPlan(
            request, inRange, noGames, nodes, dependencies,
            added.OrderBy(n => registry.RankOf(n.Processor)).ThenBy(n => n.Date).ToList(),
            missing.OrderBy(n => registry.RankOf(n.Item1)).ThenBy(n => n.Item2).Select(n => new PlanNode(n.Item1, n.Item2, calendar.IndexOf[n.Item2])).ToList(),
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

    /// <summary>
    /// The nodes whose output (processor, date) reads: its same-date upstream, then its lookback nodes (earlier dates,
    /// from its descriptor) in processor then date order.
    /// </summary>
    public static IReadOnlyList<(ProcessorId Processor, DateOnly Date)> DependenciesOf(
        ProcessorId processor, DateOnly date, PlanningCalendar calendar, ProcessorRegistry? registry = null)
    {
        registry ??= ProcessorRegistry.Default;
        return calendar.DependenciesOf(registry, processor, date, () =>
        {
            var descriptor = registry.Of(processor);
            var result = descriptor.Upstream.Select(u => (u, date)).ToList();
            if (descriptor.Lookback is { } lookback)
            {
                result.AddRange(lookback(date, calendar).Distinct().OrderBy(n => registry.RankOf(n.Processor)).ThenBy(n => n.Date));
            }
            return result.ToArray();
        });
    }
}
