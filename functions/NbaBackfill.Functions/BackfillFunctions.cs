using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using NbaBackfill.Orchestration;

namespace NbaBackfill.Functions;

/// <summary>The orchestrator and activity triggers: bindings onto the shared orchestrator body and activities.</summary>
public sealed class BackfillFunctions(BackfillActivities activities)
{
    [Function(TaskNames.Backfill)]
    public static Task<BackfillOutcome?> Orchestrate([OrchestrationTrigger] TaskOrchestrationContext context) =>
        BackfillOrchestrator.RunAsync(context, context.GetInput<BackfillInput>()!);

    [Function(TaskNames.PlanBackfill)]
    public Task<PlanOutput> Plan([ActivityTrigger] PlanInput input) => activities.PlanAsync(input);

    [Function(TaskNames.ProcessBatch)]
    public Task<BatchOutput> ProcessBatch([ActivityTrigger] BatchInput input) => activities.ProcessBatchAsync(input);

    [Function(TaskNames.RecordNodeFailures)]
    public Task<int> RecordNodeFailures([ActivityTrigger] NodeFailuresInput input) => activities.RecordNodeFailuresAsync(input);

    [Function(TaskNames.FinalizeRun)]
    public Task<BackfillOutcome> FinalizeRun([ActivityTrigger] FinalizeInput input) => activities.FinalizeAsync(input);
}
