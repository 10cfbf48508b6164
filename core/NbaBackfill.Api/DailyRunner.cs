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
public sealed class DailyRunner
{
    private readonly DurableTaskClient _client;
    private readonly IWarehouse _warehouse;
    private readonly TimeProvider _time;
    private readonly string _engine;
    private readonly int _catchUpDays;

    public DailyRunner(DurableTaskClient client, IWarehouse warehouse, TimeProvider time, string engine, int catchUpDays = 7)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(catchUpDays, 1);
        (_client, _warehouse, _time, _engine, _catchUpDays) = (client, warehouse, time, engine, catchUpDays);
    }

    public static BackfillRequest RequestFor(DateOnly date) => new(date, date, ProcessorIds.All, OnFailure.Continue, MaxParallel: 2, BatchSize: 1);

    public async Task<IReadOnlyList<DailyDecision>> TickAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var window = new DateRange(today.AddDays(-_catchUpDays), today.AddDays(-1));
        var gameDates = (await _warehouse.ReadAsync(TableCatalog.RawGames, window, RawGame.From, ct)).Select(g => g.GameDate).Distinct().Order().ToList();
        var processed = await _warehouse.ReadProcessedNodesAsync(window, ct);
        // The same gate and admission rule as API starts: no daily run writes partitions an active run (suspended
        // included) is writing.
        using var turn = await RunGate.EnterAsync(_client, ct);
        var active = await RunGate.ActiveRunsAsync(_client, ct);
        var facts = new List<DailySchedule.DateFacts>();
        foreach (var date in gameDates)
        {
            var id = RunIds.Daily(date);
            var daily = await _client.GetInstanceAsync(id, ct);
            var covering = RunAdmission.Conflicts(RequestFor(date), active.Where(a => a.Id != id)).FirstOrDefault()?.RunningId;
            facts.Add(new DailySchedule.DateFacts(date, daily?.RuntimeStatus, ProcessorIds.All.All(p => processed.Contains((p, date))), covering));
        }
        var decisions = DailySchedule.Decide(facts);
        foreach (var d in decisions.Where(d => d.Action == DailyAction.Started))
        {
            await _client.ScheduleNewOrchestrationInstanceAsync(TaskNames.Backfill,
                new BackfillInput(RunIds.Daily(d.Date), RequestFor(d.Date), _engine), new StartOrchestrationOptions(RunIds.Daily(d.Date)), ct);
        }
        return decisions;
    }
}
