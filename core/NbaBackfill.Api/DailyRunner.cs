using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using NbaBackfill.Calendar;
using NbaBackfill.Orchestration;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;
using NbaBackfill.Versions;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Api;

public enum DailyAction
{
    /// <summary>The date's stale or never-run nodes are in the run this tick scheduled.</summary>
    Started,

    /// <summary>A daily run already holds the date's nodes: nothing to do.</summary>
    AlreadyActive,

    /// <summary>A running backfill writes the same partitions: wait for the next tick.</summary>
    WaitingForBackfill,

    /// <summary>Every node of the date is fresh (computed from its current raw data and code).</summary>
    Done,
}

/// <summary>One game date's decision; <see cref="RunId"/>: the run that computes it (started or already active).</summary>
public sealed record DailyDecision(DateOnly Date, DailyAction Action, string Reason, string? RunId = null);

/// <summary>What one tick did: the dates it ingested from the landing zone, and one decision per game date of the window.</summary>
public sealed record DailyTick(IngestResult Ingest, IReadOnlyList<DailyDecision> Decisions);

/// <summary>
/// The timer's work, end to end: ingest the dates landed or re-landed in the catch-up window (a date folder counts once
/// its manifest is there and differs from what was ingested), then compute every stale or never-run node of the window
/// in one run (daily-{last date}), never on nodes an active run holds. A scraper dropping yesterday's folder is all
/// it takes; a stat correction re-landed days later is picked up by the next tick.
/// </summary>
public sealed class DailyRunner
{
    private readonly DurableTaskClient _client;
    private readonly IWarehouse _warehouse;
    private readonly TimeProvider _time;
    private readonly string _engine;
    private readonly int _catchUpDays;
    private readonly IRawLanding? _landing;

    public DailyRunner(DurableTaskClient client, IWarehouse warehouse, TimeProvider time, string engine, int catchUpDays = 7, IRawLanding? landing = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(catchUpDays, 1);
        (_client, _warehouse, _time, _engine, _catchUpDays, _landing) = (client, warehouse, time, engine, catchUpDays, landing);
    }

    /// <summary>Options of the daily run: all processors, continue past failures, small batches.</summary>
    public static BackfillRequest Options(DateRange window) => new(window.From, window.To, ProcessorIds.All, OnFailure.Continue, MaxParallel: 2, BatchSize: 7);

    public async Task<IReadOnlyList<DailyDecision>> TickAsync(CancellationToken ct) => (await TickWithIngestAsync(ct)).Decisions;

    /// <param name="today">The tick's date (default: the clock's): a catch-up tick for a past day still stamps real times.</param>
    public async Task<DailyTick> TickWithIngestAsync(CancellationToken ct, DateOnly? today = null)
    {
        today ??= DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var window = new DateRange(today.Value.AddDays(-_catchUpDays), today.Value.AddDays(-1));
        var ingest = _landing is null ? new IngestResult([], []) : await RawIngest.IngestAsync(_landing, _warehouse, window, _time, ct);
        var scan = await StaleRuns.ScanAsync(_warehouse, window, Options(window), CodeVersions.Declared, ct);
        var gameDates = scan.Versions.Calendar.Dates.Where(window.Contains).ToList();
        var stale = scan.Stale.ToLookup(s => s.Date);
        // The same gate and admission rule as API starts: no daily run writes partitions an active run (suspended
        // included) is writing.
        using var turn = await RunGate.EnterAsync(_client, ct);
        var active = await RunGate.ActiveRunsAsync(_client, ct);
        var decisions = new List<DailyDecision>();
        var free = new List<DateOnly>();
        foreach (var date in gameDates)
        {
            if (!stale[date].Any())
            {
                decisions.Add(new DailyDecision(date, DailyAction.Done, "every node fresh"));
                continue;
            }
            var nodes = stale[date].Select(s => new NodeKey(s.Processor, s.Date)).ToList();
            var holder = RunAdmission.Conflicts(Options(DateRange.Single(date)) with { Only = nodes }, active).FirstOrDefault()?.RunningId;
            if (holder is null) free.Add(date);
            else if (holder.StartsWith("daily-", StringComparison.Ordinal)) decisions.Add(new DailyDecision(date, DailyAction.AlreadyActive, $"{holder} is computing it", holder));
            else decisions.Add(new DailyDecision(date, DailyAction.WaitingForBackfill, $"backfill {holder} is writing this date; retried next tick", holder));
        }
        if (free.Count > 0)
        {
            var allowed = free.ToHashSet();
            var nodes = scan.Request!.Only!.Where(n => allowed.Contains(n.Date)).ToList();
            var request = Options(new DateRange(nodes.Min(n => n.Date), nodes.Max(n => n.Date))) with { Only = nodes };
            var id = await NextIdAsync(request.To, ct);
            await _client.ScheduleNewOrchestrationInstanceAsync(TaskNames.Backfill, new BackfillInput(id, request, _engine), new StartOrchestrationOptions(id), ct);
            var counts = stale.Where(g => allowed.Contains(g.Key)).ToDictionary(g => g.Key, g => g.Count());
            decisions.AddRange(free.Select(d => new DailyDecision(d, DailyAction.Started,
                $"{counts[d]} stale or never-run node(s): " + string.Join(", ", stale[d].Take(3).Select(s => $"{s.Processor} ({s.Reasons[0]})")), id)));
        }
        return new DailyTick(ingest, decisions.OrderBy(d => d.Date).ToList());
    }

    /// <summary>daily-{date}, or daily-{date}-2, -3 … when earlier runs of that date have finished (a re-landed date).</summary>
    private async Task<string> NextIdAsync(DateOnly date, CancellationToken ct)
    {
        var id = RunIds.Daily(date);
        for (var n = 2; await _client.GetInstanceAsync(id, ct) is not null; n++) id = $"{RunIds.Daily(date)}-{n}";
        return id;
    }
}
