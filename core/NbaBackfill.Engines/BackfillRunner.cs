using System.Globalization;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using NbaBackfill.Planning;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;
using NbaBackfill.Orchestration;

namespace NbaBackfill.Engines;

/// <summary>Starts (or resumes) a backfill on an engine and follows it to the end.</summary>
public sealed class BackfillRunner(IBackfillEngine engine, IWarehouse warehouse, TimeProvider time)
{
    public static string RunKey(BackfillRequest r) => RunIds.Key(r);

    /// <summary>The run to resume (same key, never finished), or a new run id.</summary>
    public async Task<(string RunId, bool Resumed)> ChooseRunIdAsync(BackfillRequest request, CancellationToken ct)
    {
        var key = RunKey(request);
        var runs = (await warehouse.ReadAllAsync(TableCatalog.BackfillRuns, null, ct)).Select(r => RunRow.From(new Row(r)))
            .Where(r => r.RunId.StartsWith(key, StringComparison.Ordinal) && !r.RunId.Contains("-retry", StringComparison.Ordinal))
            .OrderBy(r => r.StartedAt).ToList();
        var unfinished = runs.LastOrDefault(r => r.Status == RunStatus.Running);
        if (unfinished is not null) return (unfinished.RunId, true);
        return ($"{key}-{time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture)}", false);
    }

    public async Task<BackfillOutcome> RunAsync(
        BackfillRequest request, string runId, Action<ProgressSummary>? progress, CancellationToken ct)
    {
        using var span = StartRunSpan(runId);
        await StartAsync(request, runId, ct);
        return await FollowAsync(runId, progress, ct);
    }

    /// <summary>The run's root span (backfill.run): its context travels in the orchestration input to the wave spans.</summary>
    public System.Diagnostics.Activity? StartRunSpan(string runId)
    {
        var span = NbaTelemetry.Source.StartActivity("backfill.run");
        span?.SetTag("nba.run_id", runId);
        span?.SetTag("nba.engine", engine.Name);
        return span;
    }

    /// <summary>Schedules the run unless the engine still holds it (a durable engine after a crash resumes it itself).</summary>
    public async Task StartAsync(BackfillRequest request, string runId, CancellationToken ct)
    {
        var existing = await engine.Client.GetInstanceAsync(runId, ct);
        if (existing is null || existing.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
        {
            await engine.Client.ScheduleNewOrchestrationInstanceAsync(
                TaskNames.Backfill, new BackfillInput(runId, request, engine.Name, TraceParent: System.Diagnostics.Activity.Current?.Id),
                new StartOrchestrationOptions(runId), ct);
        }
    }

    /// <summary>Follows a started run to its end, reporting progress.</summary>
    public async Task<BackfillOutcome> FollowAsync(string runId, Action<ProgressSummary>? progress, CancellationToken ct)
    {
        try
        {
            return await FollowRunAsync(runId, progress, ct);
        }
        catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.Cancelled && ct.IsCancellationRequested)
        {
            // Ctrl-C / SIGTERM while a client call was in flight: a cancellation like any other.
            throw new OperationCanceledException("cancelled", e, ct);
        }
    }

    private async Task<BackfillOutcome> FollowRunAsync(string runId, Action<ProgressSummary>? progress, CancellationToken ct)
    {
        // Completion is awaited directly (no polling delay at the end); progress is sampled meanwhile. The engine's
        // storage may go away for a while (a storage outage): the run goes on inside the engine, so keep following.
        Task<OrchestrationMetadata> CompletionAsync() => engine.Client.WaitForInstanceCompletionAsync(runId, getInputsAndOutputs: true, ct);
        var completion = CompletionAsync();
        string? last = null;
        DateTimeOffset? unreachableSince = null;
        while (true)
        {
            try
            {
                var finished = await Task.WhenAny(completion, Task.Delay(TimeSpan.FromMilliseconds(250), time, ct)) == completion;
                if (progress is not null)
                {
                    var meta = finished ? await completion : await engine.Client.GetInstanceAsync(runId, getInputsAndOutputs: true, ct);
                    if (meta?.SerializedCustomStatus is { } s && s != last)
                    {
                        last = s;
                        if (JsonSerializer.Deserialize<ProgressSummary>(s) is { } summary) progress(summary);
                    }
                }
                unreachableSince = null;
                if (!finished) continue;
                var done = await completion;
                if (done.RuntimeStatus == OrchestrationRuntimeStatus.Terminated)
                {
                    // Terminated from outside (an API on the same task hub): say so in backfill_runs, as the API does.
                    await RunTermination.RecordAsync(warehouse, runId, time.GetUtcNow(), CancellationToken.None);
                }
                return done.RuntimeStatus == OrchestrationRuntimeStatus.Completed
                    ? done.ReadOutputAs<BackfillOutcome>() ?? throw new InvalidOperationException("no outcome")
                    : throw new RunNotCompletedException(runId, done.RuntimeStatus.ToString(), done.FailureDetails?.ErrorMessage);
            }
            catch (Grpc.Core.RpcException e) when (EngineUnreachable(e) && !ct.IsCancellationRequested)
            {
                unreachableSince ??= time.GetUtcNow();
                if (time.GetUtcNow() - unreachableSince > EngineOutagePatience) throw;
                await Task.Delay(TimeSpan.FromSeconds(1), time, ct);
                if (completion.IsFaulted) completion = CompletionAsync();
            }
        }
    }

    /// <summary>How long the engine's storage may be unreachable before following the run gives up (it stays resumable).</summary>
    public static TimeSpan EngineOutagePatience { get; } = TimeSpan.FromMinutes(10);

    private static bool EngineUnreachable(Grpc.Core.RpcException e) => e.StatusCode is Grpc.Core.StatusCode.Unavailable
        or Grpc.Core.StatusCode.Unknown or Grpc.Core.StatusCode.Internal or Grpc.Core.StatusCode.DeadlineExceeded
        or Grpc.Core.StatusCode.ResourceExhausted;
}

/// <summary>The orchestration ended without an outcome (failed after its retries, or terminated): resumable.</summary>
public sealed class RunNotCompletedException(string runId, string status, string? reason)
    : Exception($"run {runId} {status.ToLowerInvariant()}{(reason is null ? "" : $": {reason}")}")
{
    public string RunId { get; } = runId;
}
