using NbaBackfill.Processors;

namespace NbaBackfill.Planning;

public enum OnFailure
{
    /// <summary>No new work once a node fails; in-flight work finishes; the run ends Failed.</summary>
    Stop,

    /// <summary>Independent work goes on; exactly the nodes whose inputs include a failed node are Blocked.</summary>
    Continue,
}

public enum PreflightMode
{
    /// <summary>Missing upstream outside the range is added to the plan.</summary>
    Add,

    /// <summary>Missing upstream outside the range refuses the run.</summary>
    Refuse,

    /// <summary>No check; the override is recorded on the run.</summary>
    Skip,
}

/// <summary>What a user asks for. <see cref="Force"/>: compute every node, fresh or not.</summary>
public sealed record BackfillRequest(
    DateOnly From,
    DateOnly To,
    IReadOnlyList<ProcessorId> Processors,
    OnFailure OnFailure = OnFailure.Stop,
    int MaxParallel = 4,
    int BatchSize = 200,
    PreflightMode Preflight = PreflightMode.Add,
    IReadOnlyDictionary<ProcessorId, int>? ProcessorCaps = null,
    IReadOnlyList<NodeKey>? Only = null,
    bool Force = false);

/// <summary>A (processor, date) pair, e.g. the subset of nodes a retry re-runs.</summary>
public sealed record NodeKey(ProcessorId Processor, DateOnly Date);

/// <summary>One (processor, date) node of the plan.</summary>
public sealed record PlanNode(ProcessorId Processor, DateOnly Date, int DateIndex);

/// <summary>
/// The plan: nodes in DAG order then date order, each node's lookback on PGS as the list of PGS node indices it
/// reads, plus what pre-flight found. Built by <see cref="BackfillPlanner"/>; the orchestrator only walks it.
/// </summary>
public sealed record BackfillPlan(
    BackfillRequest Request,
    IReadOnlyList<DateOnly> GameDates,
    IReadOnlyList<DateOnly> NoGameDates,
    IReadOnlyList<PlanNode> Nodes,
    IReadOnlyList<int[]> Dependencies,
    IReadOnlyList<PlanNode> AddedByPreflight,
    IReadOnlyList<PlanNode> MissingUpstream,
    bool PreflightSkipped)
{
    public bool Refused => Request.Preflight == PreflightMode.Refuse && MissingUpstream.Count > 0;

    public int IndexOf(ProcessorId processor, DateOnly date)
    {
        for (var i = 0; i < Nodes.Count; i++)
        {
            if (Nodes[i].Processor == processor && Nodes[i].Date == date) return i;
        }
        return -1;
    }
}
