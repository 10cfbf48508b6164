using NbaBackfill.Calendar;
using NbaBackfill.Failures;
using NbaBackfill.Tables;
using NbaBackfill.Versions;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Processors;

/// <summary>Runs one processor over a date range: one read, one set-based computation, one atomic replace.</summary>
public static class ProcessorRunner
{
    /// <summary>One set-based pass of a processor over a range (its descriptor's computation); writes nothing.</summary>
    public static Task<ProcessorResult> ComputeAsync(
        ProcessorId processor, IWarehouseReader warehouse, DateRange range, RunStamp stamp, CancellationToken ct) =>
        ProcessorRegistry.Default.Of(processor).Compute(warehouse, range, stamp, ct);

    /// <summary>Computes and replaces every date of the range (forced), recording the nodes' versions.</summary>
    public static async Task<ProcessorResult> RunAsync(
        ProcessorId processor, IWarehouse warehouse, DateRange range, RunStamp stamp, CancellationToken ct) =>
        (await RunVersionedAsync(processor, warehouse, range.Dates().ToList(), stamp, CodeVersions.Declared, force: true, ct)).Result;

    /// <summary>
    /// Runs the stale dates of <paramref name="dates"/> (all of them when forced) in one set-based pass over the span
    /// of those dates, replaces exactly them, and records each computed node's version. Fresh dates are neither
    /// computed nor written. The versions are written with the output, in its transaction where the warehouse has one,
    /// else after it and after <paramref name="beforeVersions"/> (the activity's status rows): a crash never leaves a node
    /// fresh with old rows (a node whose version is not written is stale, and computed again).
    /// </summary>
    /// <param name="beforeVersions">Rows written with the output, before the versions (the batch's 'succeeded' status).</param>
    /// <param name="beforeOutput">A write under way (the activity's 'running' rows) that must land before the output's.</param>
    public static async Task<VersionedRun> RunVersionedAsync(
        ProcessorId processor, IWarehouse warehouse, IReadOnlyList<DateOnly> dates, RunStamp stamp, CodeVersions code, bool force,
        CancellationToken ct, Func<ProcessorResult, IReadOnlyList<DateOnly>, TableRows>? beforeVersions = null, Func<Task>? beforeOutput = null)
    {
        var context = await VersionContext.ReadAsync(warehouse, new DateRange(dates.Min(), dates.Max()), code, ct);
        var stale = dates.Where(d => force || !context.IsGameDate(d) || context.Reasons(processor, d).Count > 0).Order().ToList();
        var fresh = dates.Except(stale).Order().ToList();
        if (stale.Count == 0) return new VersionedRun(new ProcessorResult(processor, [], [], []), fresh);
        var computed = await ComputeAsync(processor, warehouse, new DateRange(stale[0], stale[^1]), stamp, ct);
        var only = stale.ToHashSet();
        var result = fresh.Count == 0 ? computed : computed with
        {
            Dates = computed.Dates.Where(only.Contains).ToList(),
            Rows = computed.Rows.Where(r => only.Contains(r.Date)).ToList(),
            Failures = computed.Failures.Where(f => only.Contains(f.AnalysisDate)).ToList(),
        };
        // The output versions are hashed, and the nodes' input fingerprints (their version rows' other half) computed,
        // while the warehouse writes the rows: all of it only reads the result and the context.
        var hashing = Task.Run(() =>
        {
            var gameDates = stale.Where(context.IsGameDate).ToList();
            foreach (var d in gameDates) context.Fingerprint(processor, d);
            return OutputVersion.PerDate(result, gameDates);
        }, ct);
        if (beforeOutput is not null) await beforeOutput();
        await warehouse.ReplaceOutputAsync(result, stamp.CreatedAt, async () =>
        {
            var status = beforeVersions?.Invoke(result, stale);
#pragma warning disable VSTHRD003 // 'hashing' was started above by this method, on the thread pool (no context to deadlock on)
            var versions = await hashing;
#pragma warning restore VSTHRD003
            TableRows recorded = new(TableCatalog.NodeVersions,
                [.. versions.Select(v => (ITableRow)context.Record(processor, v.Key, v.Value, stamp.RunId, stamp.CreatedAt))]);
            return status is null ? [recorded] : [status, recorded];
        }, ct);
        return new VersionedRun(result, fresh);
    }
}

/// <summary>What a versioned run wrote (<see cref="Result"/>: the computed dates) and which dates it found fresh.</summary>
public sealed record VersionedRun(ProcessorResult Result, IReadOnlyList<DateOnly> Fresh);
