using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace NbaBackfill.Warehouse.BigQuery;

/// <summary>
/// The BigQuery REST API v2, as much of it as the warehouse needs: datasets/tables get+insert+delete, jobs.query with
/// paging and polling, query jobs (scripts) and multipart NDJSON load jobs, each polled to DONE. Every request carries
/// a bearer token and goes through one Polly pipeline: a per-attempt timeout inside an exponential, jittered retry on
/// 429, 5xx, rateLimitExceeded and backendError, never on other 4xx (a schema error stays an error). This is the one
/// file to replace if the official client (Google.Cloud.BigQuery.V2) becomes available.
/// </summary>
public sealed class BigQueryRestClient
{
    private static readonly HashSet<string> TransientReasons =
        new(StringComparer.Ordinal) { "rateLimitExceeded", "backendError", "internalError", "jobBackendError", "jobInternalError" };

    private readonly HttpClient _http;
    private readonly IAccessTokenSource _tokens;
    private readonly BigQueryOptions _options;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly ResiliencePipeline<JsonObject> _jobReruns;
    private readonly ResiliencePipeline<JsonObject> _jobPolls;
    private int _retries;

    /// <summary>Runs of one job, the first included, when BigQuery fails it for a reason worth another try.</summary>
    private const int JobAttempts = 6;

    public BigQueryRestClient(HttpClient http, IAccessTokenSource tokens, BigQueryOptions options, TimeProvider time)
    {
        _http = http;
        _tokens = tokens;
        _options = options;
        _time = time;
        _pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException } => ValueTask.FromResult(true),
                    { Result: { } response } => IsRetryableAsync(response),
                    _ => ValueTask.FromResult(false),
                },
                OnRetry = _ =>
                {
                    Interlocked.Increment(ref _retries);
                    return default;
                },
            })
            .AddTimeout(options.RequestTimeout)
            .Build();
        // A job that failed for a transient reason (a concurrent update, a backend error) runs again as a new job,
        // exponential and jittered: two writers that collided should not collide again on the same beat.
        _jobReruns = new ResiliencePipelineBuilder<JsonObject> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<JsonObject>
            {
                MaxRetryAttempts = JobAttempts - 1,
                // Doubling from the base, each pause scaled by 0.5-1.5: never much shorter than nominal (Polly's own
                // jitter can be), so colliding writers from two processes spread out.
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                    options.RetryBaseDelay * Math.Pow(2, args.AttemptNumber) * (0.5 + Random.Shared.NextDouble())),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } job && JobError(job) is { Transient: true }),
                OnRetry = _ =>
                {
                    Interlocked.Increment(ref _retries);
                    return default;
                },
            })
            .Build();
        // A running job is polled with a doubling pause (at most 5 s) until DONE, for at most the job timeout.
        _jobPolls = new ResiliencePipelineBuilder<JsonObject> { TimeProvider = time }
            .AddTimeout(options.JobTimeout)
            .AddRetry(new RetryStrategyOptions<JsonObject>
            {
                MaxRetryAttempts = int.MaxValue,
                Delay = options.PollDelay,
                MaxDelay = TimeSpan.FromSeconds(5),
                BackoffType = DelayBackoffType.Exponential,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } job && job["status"]?["state"]?.GetValue<string>() != "DONE"),
            })
            .Build();
    }

    /// <summary>Requests retried so far (for run reports and tests).</summary>
    public int Retries => _retries;

    public BigQueryOptions Options => _options;

    private string Api => $"bigquery/v2/projects/{Uri.EscapeDataString(_options.Project)}";

    public async Task<JsonObject?> GetDatasetAsync(CancellationToken ct) =>
        (await SendAsync(HttpMethod.Get, $"{Api}/datasets/{_options.Dataset}", null, $"dataset {_options.Dataset}", ct, allowed: HttpStatusCode.NotFound)).Body;

    public Task CreateDatasetAsync(CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"{Api}/datasets", Json(new JsonObject
        {
            ["datasetReference"] = new JsonObject { ["projectId"] = _options.Project, ["datasetId"] = _options.Dataset },
            ["location"] = _options.Location,
        }), $"dataset {_options.Dataset}", ct, allowed: HttpStatusCode.Conflict);

    public async Task<JsonObject?> GetTableAsync(string table, CancellationToken ct) =>
        (await SendAsync(HttpMethod.Get, TablePath(table), null, $"table {table}", ct, allowed: HttpStatusCode.NotFound)).Body;

    /// <summary>tables.insert; an existing table is fine (a retried create, or a concurrent one).</summary>
    public Task CreateTableAsync(JsonObject resource, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"{Api}/datasets/{_options.Dataset}/tables", Json(resource),
            $"table {resource["tableReference"]?["tableId"]}", ct, allowed: HttpStatusCode.Conflict);

    public Task DeleteTableAsync(string table, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, TablePath(table), null, $"table {table}", ct, allowed: HttpStatusCode.NotFound);

    /// <summary>
    /// jobs.query with named parameters, then jobs.getQueryResults until the job is complete and every page is read.
    /// Returns the rows (each the `f` array of cells) and, for DML, the affected row count.
    /// </summary>
    public async Task<QueryResult> QueryAsync(string sql, JsonArray parameters, string subject, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["query"] = sql,
            ["useLegacySql"] = false,
            ["parameterMode"] = "NAMED",
            ["queryParameters"] = parameters,
            ["location"] = _options.Location,
            ["maxResults"] = _options.PageSize,
            ["timeoutMs"] = 10_000,
            ["requestId"] = NewId("req"),
            ["formatOptions"] = new JsonObject { ["useInt64Timestamp"] = true },
        };
        var page = (await SendAsync(HttpMethod.Post, $"{Api}/queries", Json(body), subject, ct)).Body!;
        var jobId = page["jobReference"]?["jobId"]?.GetValue<string>() ?? "(none)";
        WarehouseJobs.Report(jobId);
        var rows = new List<JsonArray>();
        var deadline = _time.GetUtcNow() + _options.JobTimeout;
        while (true)
        {
            if (page["jobComplete"]?.GetValue<bool>() == true)
            {
                foreach (var row in page["rows"]?.AsArray() ?? []) rows.Add(row!["f"]!.AsArray());
                var token = page["pageToken"]?.GetValue<string>();
                if (token is null)
                {
                    var affected = page["numDmlAffectedRows"]?.GetValue<string>();
                    return new QueryResult(rows, affected is null ? null : long.Parse(affected, CultureInfo.InvariantCulture), jobId);
                }
                page = await GetQueryResultsAsync(jobId, token, subject, ct);
            }
            else
            {
                if (_time.GetUtcNow() > deadline) throw new WarehouseException($"BigQuery {subject}: job {jobId} did not finish within {_options.JobTimeout}");
                page = await GetQueryResultsAsync(jobId, null, subject, ct);
            }
        }
    }

    private async Task<JsonObject> GetQueryResultsAsync(string jobId, string? pageToken, string subject, CancellationToken ct)
    {
        var query = $"location={Uri.EscapeDataString(_options.Location)}&maxResults={_options.PageSize}&timeoutMs=10000&formatOptions.useInt64Timestamp=true";
        if (pageToken is not null) query += $"&pageToken={Uri.EscapeDataString(pageToken)}";
        return (await SendAsync(HttpMethod.Get, $"{Api}/queries/{jobId}?{query}", null, $"{subject} (job {jobId})", ct)).Body!;
    }

    /// <summary>
    /// A query job (a multi-statement script such as one transaction), inserted with a job id of ours so a retried
    /// insert finds its own job, and polled to DONE. A job that fails transiently (backend error, a concurrent
    /// transaction on the same table) is run again under a new id: a failed script has rolled back.
    /// </summary>
    public Task<string> RunScriptAsync(string sql, JsonArray parameters, string subject, CancellationToken ct) =>
        RunJobAsync("script", subject, jobId => SendAsync(HttpMethod.Post, $"{Api}/jobs", Json(new JsonObject
        {
            ["jobReference"] = JobReference(jobId),
            ["configuration"] = new JsonObject
            {
                ["query"] = new JsonObject
                {
                    ["query"] = sql,
                    ["useLegacySql"] = false,
                    ["parameterMode"] = "NAMED",
                    ["queryParameters"] = parameters.DeepClone(),
                },
                ["labels"] = new JsonObject { ["app"] = "nba-backfill" },
            },
        }), subject, ct, allowed: HttpStatusCode.Conflict), ct);

    /// <summary>A load job: NDJSON rows uploaded in one multipart request into a table (WRITE_TRUNCATE replaces it).</summary>
    public Task<string> LoadAsync(string table, byte[] ndjson, bool truncate, string subject, CancellationToken ct) =>
        RunJobAsync("load", subject, jobId =>
        {
            var metadata = new JsonObject
            {
                ["jobReference"] = JobReference(jobId),
                ["configuration"] = new JsonObject
                {
                    ["load"] = new JsonObject
                    {
                        ["destinationTable"] = new JsonObject { ["projectId"] = _options.Project, ["datasetId"] = _options.Dataset, ["tableId"] = table },
                        ["sourceFormat"] = "NEWLINE_DELIMITED_JSON",
                        ["writeDisposition"] = truncate ? "WRITE_TRUNCATE" : "WRITE_APPEND",
                        ["createDisposition"] = "CREATE_NEVER",
                    },
                    ["labels"] = new JsonObject { ["app"] = "nba-backfill" },
                },
            };
            return SendAsync(HttpMethod.Post, $"upload/{Api}/jobs?uploadType=multipart", () =>
            {
                var content = new MultipartContent("related");
                content.Add(new StringContent(metadata.ToJsonString(), Encoding.UTF8, "application/json"));
                var data = new ByteArrayContent(ndjson);
                data.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                content.Add(data);
                return content;
            }, subject, ct, allowed: HttpStatusCode.Conflict);
        }, ct);

    private async Task<string> RunJobAsync(string kind, string subject, Func<string, Task<ApiResponse>> insert, CancellationToken ct)
    {
        var job = await _jobReruns.ExecuteAsync(async token =>
        {
            var jobId = NewId($"nba_{kind}");
            WarehouseJobs.Report(jobId);
            await insert(jobId);
            return await WaitForJobAsync(jobId, subject, token);
        }, ct);
        var jobId = job["jobReference"]?["jobId"]?.GetValue<string>() ?? "(none)";
        if (JobError(job) is not { } error) return jobId;
        var text = $"BigQuery {subject}: job {jobId} failed: {error.Reason}: {error.Message}";
        throw error.Transient ? new TransientWarehouseException(text) : new WarehouseException(text);
    }

    /// <summary>Why a finished job failed, and whether another run of it may succeed; null when it succeeded.</summary>
    private static (string Reason, string Message, bool Transient)? JobError(JsonObject job)
    {
        if (job["status"]?["errorResult"] is not { } error) return null;
        var reason = error["reason"]?.GetValue<string>() ?? "unknown";
        var message = error["message"]?.GetValue<string>() ?? "";
        return (reason, message, TransientReasons.Contains(reason) || message.Contains("concurrent update", StringComparison.OrdinalIgnoreCase));
    }

    private async Task<JsonObject> WaitForJobAsync(string jobId, string subject, CancellationToken ct)
    {
        try
        {
            return await _jobPolls.ExecuteAsync(async token =>
                (await SendAsync(HttpMethod.Get, $"{Api}/jobs/{jobId}?location={Uri.EscapeDataString(_options.Location)}", null,
                    $"{subject} (job {jobId})", token)).Body!, ct);
        }
        catch (TimeoutRejectedException e)
        {
            throw new WarehouseException($"BigQuery {subject}: job {jobId} did not finish within {_options.JobTimeout}", e);
        }
    }

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, Func<HttpContent>? content, string subject, CancellationToken ct,
        HttpStatusCode? allowed = null)
    {
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token =>
            {
                using var request = new HttpRequestMessage(method, new Uri(_options.Endpoint, path)) { Content = content?.Invoke() };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _tokens.GetAccessTokenAsync(token));
                var sent = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token);
                await sent.Content.LoadIntoBufferAsync(token);
                return sent;
            }, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException)
        {
            throw new TransientWarehouseException($"BigQuery {subject}: {method} {path} failed after {_options.MaxRetries} retries: {e.Message}", e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            var body = text.Length > 0 && text.TrimStart().StartsWith('{') ? JsonNode.Parse(text)!.AsObject() : null;
            if (response.IsSuccessStatusCode) return new ApiResponse(response.StatusCode, body);
            if (response.StatusCode == allowed) return new ApiResponse(response.StatusCode, null);
            var (reason, message) = ErrorOf(body, text);
            var error = $"BigQuery {subject}: HTTP {(int)response.StatusCode} {reason}: {message}";
            throw IsRetryable(response.StatusCode, reason) ? new TransientWarehouseException(error) : new WarehouseException(error);
        }
    }

    private static async ValueTask<bool> IsRetryableAsync(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode) return false;
        await response.Content.LoadIntoBufferAsync();
        var (reason, _) = ErrorOf(null, await response.Content.ReadAsStringAsync());
        return IsRetryable(response.StatusCode, reason);
    }

    private static bool IsRetryable(HttpStatusCode status, string reason) =>
        status is HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError || TransientReasons.Contains(reason);

    /// <summary>The first `errors[].reason` and the message of a Google API error body.</summary>
    private static (string Reason, string Message) ErrorOf(JsonObject? body, string text)
    {
        try
        {
            body ??= text.TrimStart().StartsWith('{') ? JsonNode.Parse(text)?.AsObject() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }
        var error = body?["error"];
        var reason = error?["errors"]?.AsArray().FirstOrDefault()?["reason"]?.GetValue<string>() ?? error?["status"]?.GetValue<string>() ?? "error";
        var message = error?["message"]?.GetValue<string>() ?? (text.Length > 300 ? text[..300] : text);
        return (reason, message);
    }

    private JsonObject JobReference(string jobId) =>
        new() { ["projectId"] = _options.Project, ["jobId"] = jobId, ["location"] = _options.Location };

    private string TablePath(string table) => $"{Api}/datasets/{_options.Dataset}/tables/{table}";

    private static Func<HttpContent> Json(JsonObject body) => () => new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>Job and request ids: unique per call, so a retried insert is recognised (409) and a new job is new.</summary>
    public static string NewId(string prefix) => $"{prefix}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10))}";

    private sealed record ApiResponse(HttpStatusCode Status, JsonObject? Body);
}

/// <summary>Rows of a finished query (each the `f` cells of one row) and, for DML, how many rows it changed.</summary>
public sealed record QueryResult(IReadOnlyList<JsonArray> Rows, long? DmlAffectedRows, string JobId);
