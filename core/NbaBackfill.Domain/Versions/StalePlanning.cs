using NbaBackfill.Planning;
using NbaBackfill.Processors;

namespace NbaBackfill.Versions;

/// <summary>How staleness shapes a plan (pure).</summary>
public static class StalePlanning
{
    /// <summary>
    /// The plan's nodes that are fresh now and read no node of the plan that may change: they need no activity at
    /// all. The others run; of those, the ones not stale yet (downstream of a stale node) are checked again by their
    /// activity once their upstream has run, and skipped if its output came out identical.
    /// </summary>
    public static IReadOnlySet<int> FreshAtStart(BackfillPlan plan, Func<ProcessorId, DateOnly, bool> isStale)
    {
        if (plan.Request.Force) return new HashSet<int>();
        var mayChange = new bool[plan.Nodes.Count];
        var fresh = new HashSet<int>();
        // Nodes are in topological order: every dependency has a smaller index.
        for (var i = 0; i < plan.Nodes.Count; i++)
        {
            mayChange[i] = isStale(plan.Nodes[i].Processor, plan.Nodes[i].Date) || plan.Dependencies[i].Any(d => mayChange[d]);
            if (!mayChange[i]) fresh.Add(i);
        }
        return fresh;
    }

    /// <summary>
    /// `run --stale`: the stale nodes and everything in the plan that reads them (checked when it runs), as the
    /// node subset of a request.
    /// </summary>
    public static IReadOnlyList<NodeKey> StaleAndDownstream(BackfillPlan full, IEnumerable<StaleNode> stale) =>
        BackfillPlanner.Downstream(full, stale.Select(s => new NodeKey(s.Processor, s.Date)));
}
