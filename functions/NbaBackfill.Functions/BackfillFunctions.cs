using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using NbaBackfill.Orchestration;

namespace NbaBackfill.Functions;

/// <summary>The orchestrator and activity triggers: bindings onto the shared orchestrator body and activities.</summary>
public sealed class BackfillFunctions(BackfillActivities activities)
{
    [Function(TaskNames.Backfill)]
    public static Task<BackfillOutcome?> OrchestrateAsync([OrchestrationTrigger] TaskOrchestrationContext context) =>
        BackfillOrchestrator.RunAsync(context, context.GetInput<BackfillInput>()!);

    [Function(TaskNames.PlanBackfill)]
    public Task<PlanOutput> PlanAsync([ActivityTrigger] PlanInput input) => activities.PlanAsync(input);

    [Function(TaskNames.ProcessBatch)]
    public Task<BatchOutput> ProcessBatchAsync([ActivityTrigger] BatchInput input) => activities.ProcessBatchAsync(input);

    [Function(TaskNames.RecordNodeFailures)]
    public Task<int> RecordNodeFailuresAsync([ActivityTrigger] NodeFailuresInput input) => activities.RecordNodeFailuresAsync(input);

    [Function(TaskNames.FinalizeRun)]
    public Task<BackfillOutcome> FinalizeRunAsync([ActivityTrigger] FinalizeInput input) => activities.FinalizeAsync(input);
}
