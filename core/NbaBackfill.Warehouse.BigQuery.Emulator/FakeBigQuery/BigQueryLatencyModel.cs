namespace NbaBackfill.Warehouse.BigQuery.Emulator;

/// <summary>What a BigQuery job is, as far as its latency goes.</summary>
public enum BigQueryJobKind
{
    /// <summary>A SELECT (jobs.query or a query job).</summary>
    Query,

    /// <summary>One DML statement (DELETE, INSERT, UPDATE, MERGE).</summary>
    Dml,

    /// <summary>A multi-statement script (BEGIN TRANSACTION … COMMIT): every statement is a child job.</summary>
    Script,

    /// <summary>A load job (multipart upload of NDJSON).</summary>
    Load,
}

/// <summary>One job the fake ran: its kind, its statements, the bytes in and out, and the result pages fetched after the first.</summary>
public sealed record BigQueryJobTrace(string JobId, BigQueryJobKind Kind, int Statements, long BytesIn, long BytesOut, int ExtraPages, string? Table);

/// <summary>A latency: a fixed part per job (or per statement of a script) and a part per MiB moved.</summary>
public sealed record LatencyPart(double FixedSeconds, double SecondsPerMiB);

/// <summary>
/// The modelled latency of BigQuery requests, per job kind: the projection of a run on the fake onto BigQuery.
/// The fake answers in milliseconds; BigQuery's cost is dominated by a fixed per-job overhead that the public
/// documentation describes but does not quantify, so the values are assumptions, each with its source and reasoning,
/// and the bench prints them beside its projection.
/// </summary>
/// <param name="Query">A small SELECT. Google: short queries "took a couple of seconds" before the short-query
/// optimisations, which now skip the distributed plan for eligible small queries (cloud.google.com/blog, "BigQuery under
/// the hood: short query optimizations in the advanced runtime", 2024). Assumed 1.0 s, plus 0.1 s per MiB returned
/// (results are paged JSON over HTTPS).</param>
/// <param name="DmlStatement">Each DML statement, alone or in a script. DML rewrites the storage files of every partition
/// it touches and commits a snapshot; public measurements put a small DML statement at 1–3 s. Assumed 2.0 s per
/// statement, plus 0.05 s per MiB of parameters (the rows' keys travel as array parameters).</param>
/// <param name="Load">A load job from a local upload. Google's loading guide: one job per table and batch; assumed 2.0 s
/// per job (job scheduling, staging, commit) plus 0.2 s per MiB of NDJSON (upload and conversion to Capacitor, ~5 MiB/s
/// for small files, cloud.google.com/blog "Performance considerations for loading data into BigQuery", 2022).</param>
/// <param name="RoundTripSeconds">Each further HTTPS request of a job (a result page): 0.1 s across a region.</param>
/// <param name="MutatingDmlPerTable">BigQuery runs at most 2 mutating DML statements on a table at once and queues the
/// rest (cloud.google.com/bigquery/quotas, "DML statements"): a wave's writes of one table are at least their DML time
/// over 2.</param>
/// <param name="TableModificationsPerDay">Per table and day: loads and DML that write it (cloud.google.com/bigquery/quotas,
/// "Table modifications per day", 1,500).</param>
public sealed record BigQueryLatencyModel(
    LatencyPart Query, LatencyPart DmlStatement, LatencyPart Load, double RoundTripSeconds, int MutatingDmlPerTable = 2,
    int TableModificationsPerDay = 1_500)
{
    private const double MiB = 1024 * 1024;

    /// <summary>The assumptions above.</summary>
    public static BigQueryLatencyModel Realistic { get; } = new(new(1.0, 0.1), new(2.0, 0.05), new(2.0, 0.2), 0.1);

    /// <summary>The modelled seconds of one job, start to result.</summary>
    public double Seconds(BigQueryJobTrace job)
    {
        var mib = (job.BytesIn + job.BytesOut) / MiB;
        var part = job.Kind switch
        {
            BigQueryJobKind.Query => Query,
            BigQueryJobKind.Load => Load,
            _ => DmlStatement,
        };
        var statements = job.Kind == BigQueryJobKind.Script ? Math.Max(1, job.Statements) : 1;
        return statements * part.FixedSeconds + mib * part.SecondsPerMiB + job.ExtraPages * RoundTripSeconds;
    }

    /// <summary>Whether the job writes a table (counts against its daily modifications, and takes a DML slot).</summary>
    public static bool Modifies(BigQueryJobTrace job) => job.Kind != BigQueryJobKind.Query;
}
