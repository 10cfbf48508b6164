using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using NbaBackfill.Calendar;
using NbaBackfill.Orchestration;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Api;

public enum DailyAction
{
    /// <summary>daily-{date} was scheduled.</summary>
    Started,

    /// <summary>daily-{date} is already running: a singleton, nothing to do.</summary>
    AlreadyActive,

    /// <summary>A running backfill writes the same partitions: wait for the next tick.</summary>
    WaitingForBackfill,

    /// <summary>The date is already processed (by an earlier daily run or a backfill).</summary>
    Done,
}

public sealed record DailyDecision(DateOnly Date, DailyAction Action, string Reason);

/// <summary>What one timer tick knows, and the rules that turn it into decisions (pure).</summary>
public static class DailySchedule
{
    public sealed record DateFacts(DateOnly Date, OrchestrationRuntimeStatus? DailyStatus, bool FullyProcessed, string? RunningBackfillCovering);

    public static IReadOnlyList<DailyDecision> Decide(IEnumerable<DateFacts> dates) => dates.OrderBy(d => d.Date).Select(d =>
        d.DailyStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended
            ? new DailyDecision(d.Date, DailyAction.AlreadyActive, $"{RunIds.Daily(d.Date)} is {d.DailyStatus}")
        : d.DailyStatus is OrchestrationRuntimeStatus.Completed || d.FullyProcessed
            ? new DailyDecision(d.Date, DailyAction.Done, d.DailyStatus is OrchestrationRuntimeStatus.Completed ? "daily run completed" : "processed by a backfill")
        : d.RunningBackfillCovering is { } backfill
            ? new DailyDecision(d.Date, DailyAction.WaitingForBackfill, $"backfill {backfill} is writing this date; retried next tick")
        : new DailyDecision(d.Date, DailyAction.Started, "previous game date through all six processors")).ToList();
}

/// <summary>
/// The timer's work: process the previous game date (and catch up missed ones) through all six processors, once per
/// date (instance id daily-{date}), never concurrently with a backfill writing the same partitions.
/// </summary>
public sealed class DailyRunner(DurableTaskClient client, IWarehouse warehouse, TimeProvider time, string engine, int catchUpDays = 7)
{
    public async Task<IReadOnlyList<DailyDecision>> TickAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var window = new DateRange(today.AddDays(-catchUpDays), today.AddDays(-1));
        var gameDates = (await warehouse.ReadAsync(TableCatalog.RawGames, window, RawGame.From, ct)).Select(g => g.GameDate).Distinct().Order().ToList();
        var processed = await warehouse.ReadProcessedNodesAsync(window, ct);
        var running = new List<(string Id, BackfillInput Input)>();
        await foreach (var m in client.GetAllInstancesAsync(new OrchestrationQuery(
                           Statuses: [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending], FetchInputsAndOutputs: true)).WithCancellation(ct))
        {
            if (m.Name == TaskNames.Backfill && !m.InstanceId.StartsWith("daily-", StringComparison.Ordinal) && m.ReadInputAs<BackfillInput>() is { } input)
            {
                running.Add((m.InstanceId, input));
            }
        }
        var facts = new List<DailySchedule.DateFacts>();
        foreach (var date in gameDates)
        {
            var daily = await client.GetInstanceAsync(RunIds.Daily(date), ct);
            var covering = running.FirstOrDefault(r => r.Input.Request.From <= date && date <= r.Input.Request.To).Id;
            facts.Add(new DailySchedule.DateFacts(date, daily?.RuntimeStatus, ProcessorIds.All.All(p => processed.Contains((p, date))), covering));
        }
        var decisions = DailySchedule.Decide(facts);
        foreach (var d in decisions.Where(d => d.Action == DailyAction.Started))
        {
            var request = new BackfillRequest(d.Date, d.Date, ProcessorIds.All, OnFailure.Continue, MaxParallel: 2, BatchSize: 1);
            await client.ScheduleNewOrchestrationInstanceAsync(TaskNames.Backfill,
                new BackfillInput(RunIds.Daily(d.Date), request, engine), new StartOrchestrationOptions(RunIds.Daily(d.Date)), ct);
        }
        return decisions;
    }
}
