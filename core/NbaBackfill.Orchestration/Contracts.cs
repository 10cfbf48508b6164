using NbaBackfill.Failures;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Orchestration;

/// <summary>Names of the orchestrator and activities, shared by every host.</summary>
public static class TaskNames
{
    public const string Backfill = "BackfillOrchestrator";
    public const string PlanBackfill = "PlanBackfill";
    public const string ProcessBatch = "ProcessBatch";
    public const string RecordNodeFailures = "RecordNodeFailures";
    public const string FinalizeRun = "FinalizeRun";
}

/// <summary>The orchestration's input; after ContinueAsNew it also carries the packed <see cref="Orchestration.Checkpoint"/>.</summary>
public sealed record BackfillInput(
    string RunId,
    BackfillRequest Request,
    string Engine,
    string? PackedCheckpoint = null,
    DateTime? StartedAt = null,
    int Retries = 0,
    string? TraceParent = null);

public sealed record PlanInput(string RunId, BackfillRequest Request, string Engine, DateTime StartedAt);

/// <summary>The plan (packed: it can be megabytes), with the nodes a previous attempt of this run already finished (resume).</summary>
public sealed record PlanOutput(string PackedPlan, int[] AlreadySucceeded, int[]? Fresh = null)
{
    // A method, not a property: a property would be serialised too, and carry the unpacked plan after all.
    public BackfillPlan UnpackPlan() => Orchestration.PackedCheckpoint.UnpackPlan(PackedPlan);
}

/// <summary>One batch; <see cref="Force"/>: compute its nodes even if fresh.</summary>
public sealed record BatchInput(string RunId, ProcessorId Processor, DateOnly[] Dates, int[] Nodes, int Attempt, DateTime StartedAt, bool Force = false);

/// <summary>A batch's outcomes, and what telemetry needs of it: attempt, times, and the warehouse calls it made.</summary>
public sealed record BatchOutput(NodeOutcome[] Outcomes, int Attempt = 1, DateTime StartedAt = default, DateTime CompletedAt = default, WarehouseCall[]? Calls = null);

/// <summary>A node that could not run: every expected entity gets a failure of this category.</summary>
public sealed record NodeFailure(ProcessorId Processor, DateOnly Date, NodeStatus Status, string Category, string Reason, int Attempt);

public sealed record NodeFailuresInput(string RunId, NodeFailure[] Nodes, DateTime At);

public sealed record FinalizeInput(string RunId, BackfillRequest Request, RunStatus Status, ProgressSummary Progress, DateTime CompletedAt);

/// <summary>The orchestration's result.</summary>
public sealed record BackfillOutcome(
    string RunId, RunStatus Status, ProgressSummary Progress, IReadOnlyList<ReconciliationLine> Reconciliation, IReadOnlyList<PlanNode> MissingUpstream);

public sealed record ReconciliationLine(
    ProcessorId Processor, int Expected, int HasRecord, int HasFailure, int Unaccounted, int Orphans, int Both, double Coverage);

public sealed record ProcessorProgress(int Total, int Succeeded, int Failed, int Blocked, int Pending, int Running);

/// <summary>
/// The custom status (kept well under 16 KB): totals, per processor, current wave, times, failures by category.
/// Succeeded counts nodes done, of which <see cref="Computed"/> ran and <see cref="SkippedFresh"/> were found fresh.
/// </summary>
public sealed record ProgressSummary(
    string RunId,
    DateOnly From,
    DateOnly To,
    int Wave,
    int TotalNodes,
    int Succeeded,
    int Failed,
    int Blocked,
    int Pending,
    IReadOnlyDictionary<string, ProcessorProgress> Processors,
    int Computed,
    int SkippedFresh,
    int RowsWritten,
    int FailuresWritten,
    int Activities,
    IReadOnlyDictionary<string, int> FailedNodesByError,
    DateTime StartedAt,
    DateTime UpdatedAt)
{
    public static ProgressSummary Of(string runId, BackfillPlan plan, BackfillState state, DateTime startedAt, DateTime now)
    {
        var processors = plan.Nodes.Select((n, i) => (n.Processor, Status: state.Status[i]))
            .GroupBy(x => x.Processor)
            .ToDictionary(g => g.Key.ToString(), g => new ProcessorProgress(
                g.Count(), g.Count(x => BackfillState.IsDone(x.Status)), g.Count(x => x.Status == NodeStatus.Failed),
                g.Count(x => x.Status == NodeStatus.Blocked), g.Count(x => x.Status == NodeStatus.Pending), g.Count(x => x.Status == NodeStatus.Running)));
        var errors = state.Errors.Where((e, i) => e is not null && state.Status[i] == NodeStatus.Failed)
            .GroupBy(e => e!.Length > 120 ? e[..120] : e!).OrderByDescending(g => g.Count()).Take(10)
            .ToDictionary(g => g.Key, g => g.Count());
        return new ProgressSummary(
            runId, plan.Request.From, plan.Request.To, state.Wave, plan.Nodes.Count, state.Count(NodeStatus.Succeeded) + state.Count(NodeStatus.Fresh),
            state.Count(NodeStatus.Failed), state.Count(NodeStatus.Blocked), state.Count(NodeStatus.Pending), processors,
            state.Count(NodeStatus.Succeeded), state.Count(NodeStatus.Fresh),
            state.Rows.Sum(), state.FailureCounts.Sum(), state.Activities, errors, startedAt, now);
    }
}

public static class FailureCategoryOfStatus
{
    public static string For(NodeStatus status) =>
        status == NodeStatus.Blocked ? FailureCategory.MissingDependencies : FailureCategory.ProcessingError;
}
