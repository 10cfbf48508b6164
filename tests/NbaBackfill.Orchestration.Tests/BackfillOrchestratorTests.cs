using Microsoft.DurableTask;
using Moq;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Orchestration.Tests;

/// <summary>The orchestrator body against a mocked TaskOrchestrationContext: what it calls, in what order.</summary>
public class BackfillOrchestratorTests
{
    private static BackfillPlan MiniPlan(int batch, int parallel, OnFailure policy = OnFailure.Stop)
    {
        var season = MiniSeason.Daily(14).Parse();
        var calendar = new PlanningCalendar(season.Games, season.BoxScores.Select(b => (b.Season, b.GameDate, b.PlayerId)));
        return BackfillPlanner.Plan(new BackfillRequest(MiniSeason.Day1, MiniSeason.Day1.AddDays(13), ProcessorIds.All, policy, parallel, batch), calendar, (_, _) => true);
    }

    private static Mock<TaskOrchestrationContext> Context(BackfillPlan plan, Func<BatchInput, BatchOutput> process, List<string> calls)
    {
        var context = new Mock<TaskOrchestrationContext>();
        context.SetupGet(c => c.CurrentUtcDateTime).Returns(new DateTime(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc));
        context.Setup(c => c.CallActivityAsync<PlanOutput>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback<TaskName, object?, TaskOptions?>((n, _, _) => calls.Add(n.Name))
            .ReturnsAsync(new PlanOutput(PackedCheckpoint.Pack(plan), []));
        context.Setup(c => c.CallActivityAsync<BatchOutput>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns<TaskName, object?, TaskOptions?>((n, input, _) =>
            {
                calls.Add(n.Name);
                return Task.FromResult(process((BatchInput)input!));
            });
        context.Setup(c => c.CallActivityAsync<int>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback<TaskName, object?, TaskOptions?>((n, _, _) => calls.Add(n.Name))
            .ReturnsAsync(0);
        context.Setup(c => c.CallActivityAsync<BackfillOutcome>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns<TaskName, object?, TaskOptions?>((n, input, _) =>
            {
                calls.Add(n.Name);
                var f = (FinalizeInput)input!;
                return Task.FromResult(new BackfillOutcome(f.RunId, f.Status, f.Progress, [], []));
            });
        return context;
    }

    private static BatchOutput Success(BatchInput b) => new(b.Nodes.Select(i => new NodeOutcome(i, true, 10, 1, null)).ToArray());

    [Fact]
    public async Task Plans_runs_waves_and_finalizes_with_the_checkpoint_in_custom_status()
    {
        var plan = MiniPlan(batch: 31, parallel: 4);
        var calls = new List<string>();
        var context = Context(plan, Success, calls);
        var outcome = await BackfillOrchestrator.RunAsync(context.Object, new BackfillInput("run-1", plan.Request, "test"));

        Assert.NotNull(outcome);
        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.Equal(plan.Nodes.Count, outcome.Progress.Succeeded);
        Assert.Equal(TaskNames.PlanBackfill, calls[0]);
        Assert.Equal(TaskNames.FinalizeRun, calls[^1]);
        // PGS; PSZA+TDZA; PCF; PDC; MLFS: five waves of one batch per processor.
        Assert.Equal(6, calls.Count(c => c == TaskNames.ProcessBatch));
        context.Verify(c => c.SetCustomStatus(It.Is<object?>(s => s is ProgressSummary)), Times.AtLeast(5));
        context.Verify(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>()), Times.Never);
    }

    [Fact]
    public async Task Long_runs_continue_as_new_carrying_plan_and_state()
    {
        var plan = MiniPlan(batch: 1, parallel: 1);
        var calls = new List<string>();
        var context = Context(plan, Success, calls);
        BackfillInput? carried = null;
        context.Setup(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>())).Callback<object?, bool>((i, _) => carried = (BackfillInput)i!);

        var outcome = await BackfillOrchestrator.RunAsync(context.Object, new BackfillInput("run-1", plan.Request, "test"));

        Assert.Null(outcome);
        Assert.NotNull(carried);
        Assert.Equal(BackfillOrchestrator.WavesPerEpisode, calls.Count(c => c == TaskNames.ProcessBatch));
        var checkpoint = PackedCheckpoint.Unpack<Checkpoint>(carried.PackedCheckpoint!);
        Assert.Equal(BackfillOrchestrator.WavesPerEpisode, checkpoint.State.Count(NodeStatus.Succeeded));
        Assert.Equal(plan.Nodes, checkpoint.Plan.Nodes);
        Assert.Equal(plan.Dependencies.SelectMany(d => d), checkpoint.Plan.Dependencies.SelectMany(d => d));

        // The next episode picks up from the checkpoint without planning again.
        calls.Clear();
        await BackfillOrchestrator.RunAsync(context.Object, carried);
        Assert.DoesNotContain(TaskNames.PlanBackfill, calls);
    }

    [Fact]
    public async Task A_permanent_batch_failure_is_split_then_recorded_and_stop_ends_failed()
    {
        var plan = MiniPlan(batch: 31, parallel: 4);
        var bad = MiniSeason.Day1.AddDays(3);
        var calls = new List<string>();
        var context = Context(plan, b => b.Processor == ProcessorId.PGS && b.Dates.Contains(bad)
            ? throw new TaskFailedException(TaskNames.ProcessBatch, 1, new TaskFailureDetails("WarehouseException", "disk full", null, null, null))
            : Success(b), calls);

        var outcome = await BackfillOrchestrator.RunAsync(context.Object, new BackfillInput("run-1", plan.Request, "test"));

        Assert.Equal(RunStatus.Failed, outcome!.Status);
        Assert.Equal(1, outcome.Progress.Failed);
        // The 14-date batch failed and was split; the first solo wave (parallel 4: days 0-3) hit day 3; stop started nothing more.
        Assert.Equal((3, 10), (outcome.Progress.Processors["PGS"].Succeeded, outcome.Progress.Processors["PGS"].Pending));
        Assert.Equal(0, outcome.Progress.Processors["PSZA"].Succeeded);
        Assert.Equal("WarehouseException: disk full", Assert.Single(outcome.Progress.FailedNodesByError).Key);
        Assert.Contains(TaskNames.RecordNodeFailures, calls);
    }
}
