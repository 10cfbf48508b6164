using Microsoft.DurableTask;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Orchestration;

/// <summary>
/// The one orchestrator body, for Azure Functions, the local engines and the tests. Deterministic: time comes from the
/// context, all I/O is in activities, and the checkpoint (plan + per-node state) lives in orchestration state.
/// loop { blocked → failures; wave = Next(state); results = all(ProcessBatch); state = Apply(results) }, with
/// ContinueAsNew every few waves so history stays small.
/// </summary>
public static class BackfillOrchestrator
{
    public const int WavesPerEpisode = 8;

    /// <summary>Transient warehouse errors are retried with backoff; anything else fails the batch at once.</summary>
    public static TaskOptions ActivityOptions { get; } = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromMilliseconds(200), backoffCoefficient: 2,
            maxRetryInterval: TimeSpan.FromSeconds(10))
        {
            HandleFailure = failure => failure.IsCausedBy<TransientWarehouseException>(),
        });

    public static async Task<BackfillOutcome?> RunAsync(TaskOrchestrationContext context, BackfillInput input)
    {
        var startedAt = input.StartedAt ?? context.CurrentUtcDateTime;
        var checkpoint = input.PackedCheckpoint is { } packed ? PackedCheckpoint.Unpack<Checkpoint>(packed) : null;
        var plan = checkpoint?.Plan;
        var state = checkpoint?.State;
        if (plan is null || state is null)
        {
            var planned = await context.CallActivityAsync<PlanOutput>(
                TaskNames.PlanBackfill, new PlanInput(input.RunId, input.Request, input.Engine, startedAt), ActivityOptions);
            plan = planned.UnpackPlan();
            if (plan.Refused)
            {
                var empty = ProgressSummary.Of(input.RunId, plan, BackfillState.Start(plan), startedAt, context.CurrentUtcDateTime);
                return new BackfillOutcome(input.RunId, RunStatus.Refused, empty, [], plan.MissingUpstream);
            }
            state = BackfillState.Start(plan, planned.AlreadySucceeded.ToHashSet(), (planned.Fresh ?? []).ToHashSet());
            if (!context.IsReplaying)
            {
                foreach (var g in planned.AlreadySucceeded.Concat(planned.Fresh ?? []).GroupBy(i => plan.Nodes[i].Processor))
                    NbaTelemetry.NodesSkipped.Add(g.Count(), new KeyValuePair<string, object?>("processor", g.Key.ToString()));
            }
        }

        for (var episodeWave = 0; ; episodeWave++)
        {
            state = await BlockUnreachableAsync(context, input.RunId, plan, state);
            var batches = BackfillScheduler.Next(plan, state);
            if (batches.Count == 0) break;
            if (episodeWave == WavesPerEpisode)
            {
                context.ContinueAsNew(input with { PackedCheckpoint = PackedCheckpoint.Pack(new Checkpoint(plan, state)), StartedAt = startedAt });
                return null;
            }

            state = BackfillScheduler.MarkRunning(state, batches) with { Wave = state.Wave + 1 };
            context.SetCustomStatus(ProgressSummary.Of(input.RunId, plan, state, startedAt, context.CurrentUtcDateTime));
            var waveStart = context.CurrentUtcDateTime;
            var calls = batches.Select(b => RunBatchAsync(context, input.RunId, plan, state, b)).ToList();
            var results = await Task.WhenAll(calls);
            // Telemetry once, when the wave completes live (a replay has emitted nothing and emits nothing).
            if (!context.IsReplaying) WaveTelemetry.Emit(input, plan, state.Wave, waveStart, context.CurrentUtcDateTime, results);
            var failedNodes = new List<NodeFailure>();
            foreach (var (batch, outcomes, error, _) in results)
            {
                state = BackfillScheduler.Apply(plan, state, batch, outcomes, error);
                if (outcomes is null && batch.Nodes.Length == 1)
                {
                    var node = plan.Nodes[batch.Nodes[0]];
                    failedNodes.Add(new NodeFailure(node.Processor, node.Date, NodeStatus.Failed, FailureCategoryOfStatus.For(NodeStatus.Failed), error ?? "failed", state.Attempts[batch.Nodes[0]]));
                }
            }
            if (failedNodes.Count > 0)
            {
                await RecordFailuresAsync(context, new NodeFailuresInput(input.RunId, failedNodes.ToArray(), context.CurrentUtcDateTime));
            }
            context.SetCustomStatus(ProgressSummary.Of(input.RunId, plan, state, startedAt, context.CurrentUtcDateTime));
        }

        var status = state.AnyFailed || state.Count(NodeStatus.Blocked) > 0 || state.Count(NodeStatus.Pending) > 0
            ? (state.AnyFailed && plan.Request.OnFailure == OnFailure.Stop ? RunStatus.Failed : RunStatus.CompletedWithFailures)
            : RunStatus.Completed;
        var progress = ProgressSummary.Of(input.RunId, plan, state, startedAt, context.CurrentUtcDateTime);
        context.SetCustomStatus(progress);
        return await context.CallActivityAsync<BackfillOutcome>(TaskNames.FinalizeRun,
            new FinalizeInput(input.RunId, plan.Request, status, progress, context.CurrentUtcDateTime), ActivityOptions);
    }

    private static async Task<(Batch Batch, NodeOutcome[]? Outcomes, string? Error, BatchOutput? Output)> RunBatchAsync(
        TaskOrchestrationContext context, string runId, BackfillPlan plan, BackfillState state, Batch batch)
    {
        try
        {
            var output = await context.CallActivityAsync<BatchOutput>(TaskNames.ProcessBatch,
                new BatchInput(runId, batch.Processor, batch.Nodes.Select(i => plan.Nodes[i].Date).ToArray(), batch.Nodes,
                    batch.Nodes.Max(i => state.Attempts[i]), context.CurrentUtcDateTime, plan.Request.Force),
                ActivityOptions);
            return (batch, output.Outcomes, null, output);
        }
        catch (TaskFailedException e)
        {
            return (batch, null, $"{e.FailureDetails.ErrorType}: {e.FailureDetails.ErrorMessage}", null);
        }
    }

    /// <summary>Continue policy: nodes whose inputs include a failed node are Blocked, with MISSING_DEPENDENCIES per entity.</summary>
    private static async Task<BackfillState> BlockUnreachableAsync(TaskOrchestrationContext context, string runId, BackfillPlan plan, BackfillState state)
    {
        var blocked = BackfillScheduler.NewlyBlocked(plan, state);
        if (blocked.Count == 0) return state;
        var marked = BackfillScheduler.Block(plan, state, blocked);
        var nodes = blocked.Select(i => new NodeFailure(plan.Nodes[i].Processor, plan.Nodes[i].Date, NodeStatus.Blocked,
            FailureCategoryOfStatus.For(NodeStatus.Blocked), marked.Errors[i]!, state.Attempts[i])).ToArray();
        await RecordFailuresAsync(context, new NodeFailuresInput(runId, nodes, context.CurrentUtcDateTime));
        return marked;
    }

    /// <summary>
    /// Failure records are best effort: if even they cannot be written (the warehouse is down), the run goes on and
    /// reconciliation reports the entities as Unaccounted rather than the whole orchestration crashing.
    /// </summary>
    private static async Task RecordFailuresAsync(TaskOrchestrationContext context, NodeFailuresInput input)
    {
        try
        {
            await context.CallActivityAsync<int>(TaskNames.RecordNodeFailures, input, ActivityOptions);
        }
        catch (TaskFailedException)
        {
            // Nothing more to do here: the node statuses in orchestration state still say failed/blocked.
        }
    }
}


// Kept in the orchestrator's file: the Durable analyzers crash (AD0001) when the registered method lives in another file.

/// <summary>Registers the orchestrator and activities with a Durable Task worker (local engines, tests).</summary>
public static class BackfillTasks
{
    public static void Register(DurableTaskRegistry registry, Func<BackfillActivities> activities)
    {
        registry.AddOrchestratorFunc<BackfillInput, BackfillOutcome?>(TaskNames.Backfill, BackfillOrchestrator.RunAsync);
        registry.AddActivityFunc<PlanInput, PlanOutput>(TaskNames.PlanBackfill, (_, input) => activities().PlanAsync(input));
        registry.AddActivityFunc<BatchInput, BatchOutput>(TaskNames.ProcessBatch, (_, input) => activities().ProcessBatchAsync(input));
        registry.AddActivityFunc<NodeFailuresInput, int>(TaskNames.RecordNodeFailures, (_, input) => activities().RecordNodeFailuresAsync(input));
        registry.AddActivityFunc<FinalizeInput, BackfillOutcome>(TaskNames.FinalizeRun, (_, input) => activities().FinalizeAsync(input));
    }
}
