using NbaBackfill.Processors;

namespace NbaBackfill.Planning;

public enum NodeStatus
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Blocked,

    /// <summary>Not computed: its code and inputs are what its current output was computed from.</summary>
    Fresh,

    /// <summary>Left pending or running by a terminated run (backfill_status only; a retry picks it up).</summary>
    Terminated,
}

/// <summary>How node statuses are stored (backfill_status.status): the name in lower case, only at that edge.</summary>
public static class NodeStatuses
{
    private static readonly Dictionary<string, NodeStatus> ByStoredName =
        Enum.GetValues<NodeStatus>().ToDictionary(StoredName, s => s, StringComparer.Ordinal);

    public static string StoredName(this NodeStatus status) => status switch
    {
        NodeStatus.Pending => "pending",
        NodeStatus.Running => "running",
        NodeStatus.Succeeded => "succeeded",
        NodeStatus.Failed => "failed",
        NodeStatus.Blocked => "blocked",
        NodeStatus.Fresh => "fresh",
        NodeStatus.Terminated => "terminated",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary><see cref="Parse"/>, with the placeholder a table declaration records (null).</summary>
    public static NodeStatus ParseStored(string? stored) => stored is null ? default : Parse(stored);

    public static NodeStatus Parse(string stored) =>
        ByStoredName.TryGetValue(stored, out var s) ? s : throw new FormatException($"unknown node status '{stored}'");
}

/// <summary>A unit of work: one activity call for contiguous dates of one processor.</summary>
public sealed record Batch(ProcessorId Processor, int[] Nodes, DateOnly From, DateOnly To);

/// <summary>What an activity reports per node (<see cref="Fresh"/>: found fresh, not computed).</summary>
public sealed record NodeOutcome(int Node, bool Succeeded, int Rows, int Failures, string? Error, bool Fresh = false);

/// <summary>
/// The checkpoint: per-node status, attempts and counts. Pure and serialisable: it travels in orchestration state
/// (ContinueAsNew input) and is mirrored into backfill_status.
/// </summary>
public sealed record BackfillState(
    NodeStatus[] Status,
    int[] Attempts,
    bool[] Solo,
    int[] Rows,
    int[] FailureCounts,
    string?[] Errors,
    int Wave,
    int Activities = 0)
{
    public static BackfillState Start(BackfillPlan plan, IReadOnlySet<int>? alreadySucceeded = null, IReadOnlySet<int>? fresh = null)
    {
        var n = plan.Nodes.Count;
        var status = new NodeStatus[n];
        foreach (var i in fresh ?? new HashSet<int>()) status[i] = NodeStatus.Fresh;
        foreach (var i in alreadySucceeded ?? new HashSet<int>()) status[i] = NodeStatus.Succeeded;
        return new BackfillState(status, new int[n], new bool[n], new int[n], new int[n], new string?[n], 0);
    }

    public bool AnyFailed => Status.Any(s => s == NodeStatus.Failed);

    public int Count(NodeStatus status) => Status.Count(s => s == status);

    /// <summary>Succeeded or found fresh: what downstream nodes may read.</summary>
    public static bool IsDone(NodeStatus status) => status is NodeStatus.Succeeded or NodeStatus.Fresh;
}

/// <summary>The scheduling rules over a plan and its state: what to run next, and how results change the state.</summary>
public static class BackfillScheduler
{
    /// <summary>
    /// A gap between game dates longer than this is an off-season: a batch never spans one, so it reads one season's
    /// history, not two (in-season breaks are a week at most; the 2020 hiatus splits a batch, which costs only a call).
    /// </summary>
    public const int OffSeasonDays = 30;

    /// <summary>The next batches to start, given that none is running (waves).</summary>
    public static IReadOnlyList<Batch> Next(BackfillPlan plan, BackfillState state)
    {
        var request = plan.Request;
        if (request.OnFailure == OnFailure.Stop && state.AnyFailed) return [];
        var ready = new List<int>();
        for (var i = 0; i < plan.Nodes.Count; i++)
        {
            if (state.Status[i] == NodeStatus.Pending && plan.Dependencies[i].All(d => BackfillState.IsDone(state.Status[d])))
            {
                ready.Add(i);
            }
        }
        var batches = new List<Batch>();
        var perProcessor = new Dictionary<ProcessorId, int>();
        foreach (var group in ready.GroupBy(i => plan.Nodes[i].Processor).OrderBy(g => g.Key))
        {
            var cap = request.ProcessorCaps?.GetValueOrDefault(group.Key) is > 0 and var c ? c : int.MaxValue;
            var current = new List<int>();
            void Flush()
            {
                if (current.Count == 0) return;
                if (batches.Count < request.MaxParallel && perProcessor.GetValueOrDefault(group.Key) < cap)
                {
                    batches.Add(new Batch(group.Key, current.ToArray(), plan.Nodes[current[0]].Date, plan.Nodes[current[^1]].Date));
                    perProcessor[group.Key] = perProcessor.GetValueOrDefault(group.Key) + 1;
                }
                current = [];
            }
            foreach (var i in group)
            {
                var contiguous = current.Count > 0 && plan.Nodes[i].DateIndex == plan.Nodes[current[^1]].DateIndex + 1
                    && plan.Nodes[i].Date.DayNumber - plan.Nodes[current[^1]].Date.DayNumber <= OffSeasonDays;
                if (current.Count > 0 && (!contiguous || current.Count >= request.BatchSize || state.Solo[i] || state.Solo[current[^1]]))
                {
                    Flush();
                }
                current.Add(i);
            }
            Flush();
        }
        return batches;
    }

    public static BackfillState MarkRunning(BackfillState state, IEnumerable<Batch> batches)
    {
        var status = (NodeStatus[])state.Status.Clone();
        var attempts = (int[])state.Attempts.Clone();
        foreach (var i in batches.SelectMany(b => b.Nodes))
        {
            status[i] = NodeStatus.Running;
            attempts[i]++;
        }
        return state with { Status = status, Attempts = attempts, Activities = state.Activities + batches.Count() };
    }

    /// <summary>
    /// Applies a batch's outcome. A failed batch of several dates is split: its nodes run again alone, so only the
    /// dates that really fail are marked Failed. With Continue, every node whose inputs include a failed or blocked
    /// node becomes Blocked.
    /// </summary>
    public static BackfillState Apply(BackfillPlan plan, BackfillState state, Batch batch, IReadOnlyList<NodeOutcome>? outcomes, string? batchError)
    {
        var s = state with
        {
            Status = (NodeStatus[])state.Status.Clone(), Solo = (bool[])state.Solo.Clone(), Rows = (int[])state.Rows.Clone(),
            FailureCounts = (int[])state.FailureCounts.Clone(), Errors = (string?[])state.Errors.Clone(),
        };
        if (outcomes is null)
        {
            foreach (var i in batch.Nodes)
            {
                if (batch.Nodes.Length > 1)
                {
                    s.Status[i] = NodeStatus.Pending;
                    s.Solo[i] = true;
                }
                else
                {
                    s.Status[i] = NodeStatus.Failed;
                    s.Errors[i] = batchError;
                }
            }
        }
        else
        {
            foreach (var o in outcomes)
            {
                s.Status[o.Node] = !o.Succeeded ? NodeStatus.Failed : o.Fresh ? NodeStatus.Fresh : NodeStatus.Succeeded;
                s.Rows[o.Node] = o.Rows;
                s.FailureCounts[o.Node] = o.Failures;
                s.Errors[o.Node] = o.Error;
            }
        }
        return s;
    }

    /// <summary>Continue policy: the pending nodes that can never run, in topological order.</summary>
    public static IReadOnlyList<int> NewlyBlocked(BackfillPlan plan, BackfillState state)
    {
        if (plan.Request.OnFailure != OnFailure.Continue) return [];
        var status = (NodeStatus[])state.Status.Clone();
        var blocked = new List<int>();
        for (var i = 0; i < plan.Nodes.Count; i++)
        {
            if (status[i] == NodeStatus.Pending && plan.Dependencies[i].Any(d => status[d] is NodeStatus.Failed or NodeStatus.Blocked))
            {
                status[i] = NodeStatus.Blocked;
                blocked.Add(i);
            }
        }
        return blocked;
    }

    public static BackfillState MarkBlocked(BackfillState state, IEnumerable<int> nodes, string reason)
    {
        var s = state with { Status = (NodeStatus[])state.Status.Clone(), Errors = (string?[])state.Errors.Clone() };
        foreach (var i in nodes)
        {
            s.Status[i] = NodeStatus.Blocked;
            s.Errors[i] = reason;
        }
        return s;
    }

    /// <summary>Marks nodes Blocked, each with the reason naming the failed or blocked nodes it reads.</summary>
    public static BackfillState Block(BackfillPlan plan, BackfillState state, IReadOnlyList<int> nodes)
    {
        var marked = MarkBlocked(state, nodes, NodeStatus.Blocked.StoredName());
        foreach (var i in nodes) marked.Errors[i] = BlockReason(plan, marked, i);
        return marked;
    }

    /// <summary>Which failed or blocked dependencies block a node (for the MISSING_DEPENDENCIES reason).</summary>
    public static string BlockReason(BackfillPlan plan, BackfillState state, int node)
    {
        var causes = plan.Dependencies[node]
            .Where(d => state.Status[d] is NodeStatus.Failed or NodeStatus.Blocked)
            .Select(d => $"{plan.Nodes[d].Processor} {plan.Nodes[d].Date:yyyy-MM-dd} {state.Status[d].ToString().ToLowerInvariant()}")
            .ToList();
        return "upstream " + string.Join(", ", causes.Take(5)) + (causes.Count > 5 ? $" and {causes.Count - 5} more" : "");
    }
}
