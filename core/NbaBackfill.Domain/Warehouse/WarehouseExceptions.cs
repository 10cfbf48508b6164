namespace NbaBackfill.Warehouse;

/// <summary>A warehouse error worth retrying (rate limit, backend hiccup, write conflict).</summary>
public sealed class TransientWarehouseException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A warehouse error a retry cannot fix (schema mismatch, file locked by another process, bad request).</summary>
public sealed class WarehouseException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The warehouse jobs (BigQuery job ids) a call ran, collected for its telemetry span: whoever measures a call opens a
/// collection around it; an adapter that runs jobs reports them. Flows with the async call like any AsyncLocal.
/// </summary>
public static class WarehouseJobs
{
    private static readonly AsyncLocal<List<string>?> Current = new();

    public static List<string> Collect() => Current.Value = [];

    public static void Report(string jobId)
    {
        if (Current.Value is { } jobs) lock (jobs) jobs.Add(jobId);
    }
}
