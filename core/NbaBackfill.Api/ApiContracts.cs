using NbaBackfill.Orchestration;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Api;

// The API's response bodies, one record each: the JSON names are these properties in camelCase (web defaults).

/// <summary>
/// This app's own routes for an instance, returned on 202/409. Never Durable Functions' built-in management URLs:
/// those carry the system key, which opens terminate/purge/rewind/raise-event on every instance of the task hub.
/// </summary>
public sealed record ManagementPayload(string Id, string StatusQueryGetUri, string TerminatePostUri, string RetryPostUri)
{
    public static ManagementPayload FromRoutes(string baseUrl, string id)
    {
        var b = baseUrl.TrimEnd('/') + "/" + ApiRoutes.Prefix + "/" + ApiRoutes.Backfills + "/" + Uri.EscapeDataString(id);
        return new ManagementPayload(id, b, b + "/terminate", b + "/retry");
    }
}

/// <summary>One active run a start overlaps: its id, the shared processors and dates, and its own routes.</summary>
public sealed record ConflictDetail(string RunningId, IReadOnlyList<string> Processors, DateOnly From, DateOnly To, ManagementPayload Links);

/// <summary>One broken rule of a request, under the field's name; 400s group them by field.</summary>
public sealed record FieldError(string Field, string Rule);

public sealed record DryRunResponse(bool DryRun, IReadOnlyDictionary<string, int> Nodes, IReadOnlyList<DateOnly> NoGameDates, int AddedByPreflight);

/// <summary>GET /api/backfills/{id}: the Durable instance when it still exists, else the warehouse's run row.</summary>
public sealed record BackfillStatusResponse(
    string Id, string RuntimeStatus, DateTimeOffset? CreatedAt, DateTimeOffset? LastUpdatedAt, string? Engine,
    DateOnly? From, DateOnly? To, IReadOnlyList<string>? Processors, RunStatus? Status,
    // The finished run's ProgressSummary, else NodeCounts from its status rows: serialized as what it is.
    object? Progress,
    IReadOnlyDictionary<string, long>? FailuresByCategory, IReadOnlyList<ReconciliationLine>? Reconciliation, string? Failure,
    ManagementPayload Links);

public sealed record BackfillListItem(string Id, string RuntimeStatus, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt);

public sealed record BackfillListPage(IReadOnlyList<BackfillListItem> Items, string? ContinuationToken);

public sealed record TerminatedResponse(string Id, RunStatus Status);

public sealed record NothingToRetryResponse(string Id, string Detail);

public sealed record GapsDate(DateOnly Date, bool NoGames, IReadOnlyDictionary<string, int> Counts);

public sealed record GapsResponse(DateOnly From, DateOnly To, IReadOnlyList<GapsDate> Dates);

public sealed record CoverageCellResponse(
    string Processor, DateOnly Date, string State, int Expected, int HasRecord, int HasFailure, int Unaccounted, int Orphans, int Both,
    IReadOnlyDictionary<string, int> Failures, IReadOnlyList<string> StaleReasons);

public sealed record CoverageResponse(DateOnly From, DateOnly To, IReadOnlyList<string> Processors, IReadOnlyList<CoverageCellResponse> Cells);

public sealed record StaleNodeResponse(string Processor, DateOnly Date, IReadOnlyList<string> Reasons);

public sealed record RunResponse(
    string Id, RunStatus Status, string Engine, DateOnly From, DateOnly To, string Processors, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt);

public sealed record FailureResponse(
    string EntityId, string EntityType, string Category, string FailureType, bool IsCorrectable, string Reason,
    string? MissingGameDates, string RunId);

public sealed record ReconciliationDate(DateOnly Date, int Expected, int HasRecord, int HasFailure, int Unaccounted, int Orphans, int Both);

public sealed record ReconciliationResponse(
    string Processor, int Expected, int HasRecord, int HasFailure, int Unaccounted, int Orphans, int Both, double Coverage,
    IReadOnlyList<ReconciliationDate>? Dates);

public static class RequestBody
{
    /// <summary>Reads at most <paramref name="limit"/> bytes: an oversized body is refused without buffering it all.</summary>
    public static async Task<byte[]> ReadLimitedAsync(Stream body, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0 && buffer.Length <= limit)
        {
            await buffer.WriteAsync(chunk.AsMemory(0, read), ct);
        }
        return buffer.ToArray();
    }
}
