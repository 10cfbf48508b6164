using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace NbaBackfill.Warehouse.BigQuery.Emulator;

/// <summary>
/// A local stand-in for the BigQuery REST API v2 and Google's OAuth token endpoint, on loopback, for tests. It checks
/// request shapes against the public reference (bearer token it issued, JSON bodies with only documented fields,
/// named query parameters with types and values, job references, multipart/related uploads with JSON metadata and
/// NDJSON data), serves results as the API does (string cells, pages, jobs that are not done at first), can be told
/// to fail requests (429, 500, rateLimitExceeded), and enforces the table-modification quota (see the store).
/// Every shape violation is answered 400 and kept in <see cref="Violations"/>.
/// </summary>
public sealed partial class FakeBigQueryServer : IAsyncDisposable
{
    public const string Project = "nba-test-project";
    public const int MaxUploadBytes = 5 * 1024 * 1024;

    private static readonly HashSet<string> QueryRequestFields = new(StringComparer.Ordinal)
    {
        "kind", "query", "maxResults", "defaultDataset", "timeoutMs", "dryRun", "useQueryCache", "useLegacySql", "parameterMode",
        "queryParameters", "location", "formatOptions", "connectionProperties", "labels", "maximumBytesBilled", "requestId",
        "createSession", "jobCreationMode",
    };
    private static readonly HashSet<string> JobQueryFields = new(StringComparer.Ordinal)
    {
        "query", "destinationTable", "createDisposition", "writeDisposition", "defaultDataset", "priority", "useQueryCache",
        "useLegacySql", "parameterMode", "queryParameters", "maximumBytesBilled", "labels", "connectionProperties", "createSession",
    };
    private static readonly HashSet<string> JobLoadFields = new(StringComparer.Ordinal)
    {
        "sourceUris", "schema", "destinationTable", "createDisposition", "writeDisposition", "sourceFormat", "ignoreUnknownValues",
        "maxBadRecords", "autodetect", "timePartitioning", "clustering", "schemaUpdateOptions",
    };
    private static readonly HashSet<string> ParameterTypes = new(StringComparer.Ordinal)
    {
        "STRING", "INT64", "FLOAT64", "BOOL", "DATE", "TIMESTAMP", "NUMERIC", "BYTES", "ARRAY",
    };

    private readonly WebApplication _app;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FakeJob> _jobs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RSA> _serviceAccounts = new(StringComparer.Ordinal);
    private readonly List<InjectedFault> _faults = [];
    private readonly Queue<(string Reason, string Message, int Times)> _jobFaults = new();
    private readonly List<string> _violations = [];
    private readonly List<FakeRequest> _requests = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, BigQueryJobTrace> _traces = new(StringComparer.Ordinal);
    private int _jobCounter;

    private FakeBigQueryServer(WebApplication app, bool analyze)
    {
        _app = app;
        // Every statement the fake receives is judged by Google's ZetaSQL analyzer first; a rejection is a violation.
        Store = new FakeBigQueryStore(Project)
        {
            Analyzer = analyze ? ZetaSql.ZetaSqlAnalyzer.Shared : null,
            OnViolation = message => { lock (_violations) _violations.Add(message); },
        };
    }

    public FakeBigQueryStore Store { get; }

    public Uri BaseUri { get; private set; } = null!;

    public Uri TokenUri => new(BaseUri, "token");

    /// <summary>Request-shape violations seen (each was answered 400).</summary>
    public IReadOnlyList<string> Violations { get { lock (_violations) return _violations.ToList(); } }

    /// <summary>Every request: method, path and the status answered.</summary>
    public IReadOnlyList<FakeRequest> Requests { get { lock (_requests) return _requests.ToList(); } }

    /// <summary>Every job run, with what its latency on BigQuery depends on (<see cref="BigQueryLatencyModel"/>).</summary>
    public IReadOnlyList<BigQueryJobTrace> Jobs => _traces.Values.ToList();

    private void Trace(string jobId, BigQueryJobKind kind, int statements, long bytesIn, string? table) =>
        _traces[jobId] = new BigQueryJobTrace(jobId, kind, statements, bytesIn, 0, 0, table);

    private void TracePage(string jobId, long bytes, bool extra)
    {
        if (_traces.TryGetValue(jobId, out var t)) _traces[jobId] = t with { BytesOut = t.BytesOut + bytes, ExtraPages = t.ExtraPages + (extra ? 1 : 0) };
    }

    private void TraceQuery(string jobId, string sql, long bytesIn)
    {
        var (kind, statements, table) = FakeBigQueryStore.Describe(sql);
        Trace(jobId, kind, statements, bytesIn, table);
    }

    /// <summary>Polls of jobs.get that still see a job RUNNING before it is DONE.</summary>
    public int JobPendingPolls { get; set; } = 1;

    /// <summary>jobs.query answers jobComplete=false this many times before the results (exercises polling).</summary>
    public int QueryPendingPolls { get; set; }

    /// <param name="analyze">Judge every statement with Google's ZetaSQL analyzer (tests); the bench's projection runs without.</param>
    public static async Task<FakeBigQueryServer> StartAsync(bool analyze = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        var app = builder.Build();
        var server = new FakeBigQueryServer(app, analyze);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetService(typeof(IServer)) is IServer s ? s.Features.Get<IServerAddressesFeature>()!.Addresses.First() : throw new InvalidOperationException();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>An access token the fake accepts (for tests that do not exercise the OAuth exchange).</summary>
    public string IssueToken()
    {
        var token = "ya29.fake-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        lock (_tokens) _tokens.Add(token);
        return token;
    }

    /// <summary>A service-account key file whose token_uri is this fake; the fake verifies its JWTs with the key.</summary>
    public string ServiceAccountJson(string clientEmail = "backfill@nba-test-project.iam.gserviceaccount.com")
    {
        var key = RSA.Create(2048);
        lock (_serviceAccounts) _serviceAccounts[clientEmail] = key;
        return new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = Project,
            ["private_key_id"] = "fake-key-1",
            ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = clientEmail,
            ["client_id"] = "1234567890",
            ["token_uri"] = TokenUri.ToString(),
        }.ToJsonString();
    }

    /// <summary>The next <paramref name="times"/> requests matching answer with this error instead.</summary>
    public void Fail(Func<string, string, bool> match, int status, string reason, int times = 1)
    {
        lock (_faults) _faults.Add(new InjectedFault(match, status, reason, times));
    }

    /// <summary>The next <paramref name="times"/> query jobs end DONE with this errorResult, without running.</summary>
    public void FailJobs(string reason, string message, int times = 1)
    {
        lock (_faults) _jobFaults.Enqueue((reason, message, times));
    }

    /// <summary>Awaited before each request is handled (method, path): lets a test hold one writer between two steps.</summary>
    public Func<string, string, Task>? BeforeRequest { get; set; }

    public int RequestCount(string method, string pathContains) =>
        Requests.Count(r => r.Method == method && r.Path.Contains(pathContains, StringComparison.Ordinal));

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        var started = TimeProvider.System.GetTimestamp();
        int status;
        object body;
        try
        {
            if (BeforeRequest is { } hook) await hook(request.Method, path);
            var fault = TakeFault(request.Method, path);
            if (fault is not null) throw new FakeBigQueryError(fault.Value.Status, fault.Value.Reason, $"injected {fault.Value.Reason}");
            if (path == "/token" && request.Method == "POST")
            {
                body = await TokenAsync(request);
            }
            else
            {
                Authorize(request);
                body = await RouteAsync(request, path);
            }
            status = 200;
        }
        catch (FakeBigQueryError e)
        {
            status = e.Status;
            body = path == "/token"
                ? new JsonObject { ["error"] = e.Reason, ["error_description"] = e.Message } // OAuth 2.0 error shape
                : ErrorBody(e.Status, e.Reason, e.Message);
        }
        lock (_requests) _requests.Add(new FakeRequest(request.Method, path + request.QueryString, status, TimeProvider.System.GetElapsedTime(started)));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(body as string ?? ((JsonNode)body).ToJsonString());
    }

    /// <summary>Answers a request: a JSON object, or JSON text already encoded (result pages).</summary>
    private async Task<object> RouteAsync(HttpRequest request, string path)
    {
        var m = ApiPath().Match(path);
        if (!m.Success) throw Violation(404, "notFound", $"no such REST resource: {request.Method} {path}");
        if (m.Groups["project"].Value != Project) throw new FakeBigQueryError(404, "notFound", $"Not found: Project {m.Groups["project"].Value}");
        var upload = m.Groups["upload"].Success;
        var rest = m.Groups["rest"].Value;
        var method = request.Method;
        Match r;
        if (upload)
        {
            if (method != "POST" || rest != "jobs") throw Violation(404, "notFound", $"uploads go to POST /upload/bigquery/v2/projects/{{p}}/jobs, not {method} {path}");
            return await UploadAsync(request);
        }
        if (rest == "datasets" && method == "POST")
        {
            var dataset = await ReadJsonAsync(request);
            var reference = dataset["datasetReference"];
            if (reference?["projectId"]?.GetValue<string>() != Project || reference["datasetId"] is null)
            {
                throw Violation(400, "invalid", "datasets.insert needs datasetReference {projectId, datasetId}");
            }
            Store.CreateDataset(reference["datasetId"]!.GetValue<string>());
            return dataset;
        }
        if ((r = Regex.Match(rest, "^datasets/(?<d>[^/]+)$")).Success && method == "GET")
        {
            var id = r.Groups["d"].Value;
            if (!Store.HasDataset(id)) throw new FakeBigQueryError(404, "notFound", $"Not found: Dataset {Project}:{id}");
            return new JsonObject { ["kind"] = "bigquery#dataset", ["datasetReference"] = new JsonObject { ["projectId"] = Project, ["datasetId"] = id } };
        }
        if ((r = Regex.Match(rest, "^datasets/(?<d>[^/]+)/tables$")).Success && method == "POST")
        {
            var table = await ReadJsonAsync(request);
            var reference = table["tableReference"];
            if (reference?["projectId"]?.GetValue<string>() != Project || reference["datasetId"]?.GetValue<string>() != r.Groups["d"].Value)
            {
                throw Violation(400, "invalid", "tables.insert: tableReference must name this project and dataset");
            }
            if (table["expirationTime"] is { } expiration && !long.TryParse(expiration.GetValue<string>(), out _))
            {
                throw Violation(400, "invalid", "expirationTime is an int64 string of milliseconds since the epoch");
            }
            Store.CreateTable(r.Groups["d"].Value, table);
            return table;
        }
        if ((r = Regex.Match(rest, "^datasets/(?<d>[^/]+)/tables/(?<t>[^/]+)$")).Success)
        {
            var (dataset, id) = (r.Groups["d"].Value, r.Groups["t"].Value);
            if (method == "DELETE")
            {
                Store.DeleteTable(dataset, id);
                return new JsonObject();
            }
            if (method == "GET") return Store.GetTable(dataset, id) ?? throw new FakeBigQueryError(404, "notFound", $"Not found: Table {Project}:{dataset}.{id}");
        }
        if (rest == "queries" && method == "POST") return await QueryAsync(request);
        if ((r = Regex.Match(rest, "^queries/(?<j>[^/]+)$")).Success && method == "GET") return QueryResults(request, r.Groups["j"].Value);
        if (rest == "jobs" && method == "POST") return await InsertQueryJobAsync(request);
        if ((r = Regex.Match(rest, "^jobs/(?<j>[^/]+)$")).Success && method == "GET") return GetJob(request, r.Groups["j"].Value);
        throw Violation(404, "notFound", $"no such REST method: {method} {path}");
    }

    private async Task<string> QueryAsync(HttpRequest request)
    {
        var body = await ReadJsonAsync(request);
        CheckFields(body, QueryRequestFields, "QueryRequest");
        var parameters = CheckQuery(body, "QueryRequest");
        if (body["maxResults"] is { } max && max.GetValueKind() != JsonValueKind.Number) throw Violation(400, "invalid", "maxResults is a number");
        var job = NewJob(JobId(null), "query");
        TraceQuery(job.Id, body["query"]!.GetValue<string>(), request.ContentLength ?? 0);
        job.Result = Store.Execute(body["query"]!.GetValue<string>(), parameters);
        job.PendingPolls = QueryPendingPolls;
        job.UseInt64Timestamp = body["formatOptions"]?["useInt64Timestamp"]?.GetValue<bool>() == true;
        var page = Page(job, body["maxResults"]?.GetValue<int>(), null);
        TracePage(job.Id, page.Length, extra: false);
        return page;
    }

    private string QueryResults(HttpRequest request, string jobId)
    {
        var job = _jobs.GetValueOrDefault(jobId) ?? throw new FakeBigQueryError(404, "notFound", $"Not found: Job {Project}:US.{jobId}");
        if (request.Query["location"].Count == 0) throw Violation(400, "invalid", "getQueryResults needs location= for jobs outside US/EU multi-regions");
        var max = request.Query["maxResults"] is { Count: > 0 } m ? int.Parse(m[0]!, CultureInfo.InvariantCulture) : (int?)null;
        var token = request.Query["pageToken"].FirstOrDefault();
        var page = Page(job, max, token);
        TracePage(jobId, page.Length, extra: token is not null);
        return page;
    }

    private static string Page(FakeJob job, int? maxResults, string? pageToken)
    {
        var page = new JsonObject
        {
            ["kind"] = "bigquery#getQueryResultsResponse",
            ["jobReference"] = new JsonObject { ["projectId"] = Project, ["jobId"] = job.Id, ["location"] = "US" },
        };
        if (job.PendingPolls > 0)
        {
            job.PendingPolls--;
            page["jobComplete"] = false;
            return page.ToJsonString();
        }
        var result = job.Result!;
        var offset = pageToken is null ? 0 : int.Parse(pageToken, CultureInfo.InvariantCulture);
        var rows = result.Rows.Skip(offset).Take(maxResults ?? int.MaxValue).ToList();
        page["jobComplete"] = true;
        page["schema"] = new JsonObject { ["fields"] = new JsonArray(result.Fields.Select(f => (JsonNode)f.DeepClone()).ToArray()) };
        page["totalRows"] = result.Rows.Count.ToString(CultureInfo.InvariantCulture);
        if (offset + rows.Count < result.Rows.Count) page["pageToken"] = (offset + rows.Count).ToString(CultureInfo.InvariantCulture);
        if (result.DmlAffectedRows is { } affected) page["numDmlAffectedRows"] = affected.ToString(CultureInfo.InvariantCulture);
        var text = new StringBuilder(page.ToJsonString());
        text.Length--; // reopen the object to append the pre-encoded rows
        text.Append(",\"rows\":[");
        for (var i = 0; i < rows.Count; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(job.UseInt64Timestamp ? rows[i] : FloatSecondTimestamps(rows[i], result.Fields));
        }
        return text.Append("]}").ToString();
    }

    // Without formatOptions.useInt64Timestamp the API returns timestamps as float seconds, which lose microseconds.
    private static string FloatSecondTimestamps(string row, IReadOnlyList<JsonObject> fields)
    {
        var copy = JsonNode.Parse(row)!;
        var cells = copy["f"]!.AsArray();
        for (var i = 0; i < fields.Count; i++)
        {
            if (fields[i]["type"]!.GetValue<string>() == "TIMESTAMP" && cells[i]!["v"] is { } v)
            {
                cells[i]!["v"] = (long.Parse(v.GetValue<string>(), CultureInfo.InvariantCulture) / 1e6).ToString("E", CultureInfo.InvariantCulture);
            }
        }
        return copy.ToJsonString();
    }

    private async Task<JsonObject> InsertQueryJobAsync(HttpRequest request)
    {
        var body = await ReadJsonAsync(request);
        var configuration = body["configuration"]?.AsObject() ?? throw Violation(400, "invalid", "Job.configuration is required");
        var query = configuration["query"]?.AsObject() ?? throw Violation(400, "invalid", "this fake runs query jobs through jobs.insert; loads come by upload");
        CheckFields(query, JobQueryFields, "JobConfigurationQuery");
        var parameters = CheckQuery(query, "JobConfigurationQuery");
        var job = NewJob(JobId(body), "query");
        TraceQuery(job.Id, query["query"]!.GetValue<string>(), request.ContentLength ?? 0);
        try
        {
            if (TakeJobFault() is { } fault) throw new FakeBigQueryError(400, fault.Reason, fault.Message);
            job.Result = Store.Execute(query["query"]!.GetValue<string>(), parameters);
        }
        catch (FakeBigQueryError e) when (e.Status != 401)
        {
            job.Error = new JsonObject { ["reason"] = e.Reason, ["message"] = e.Message };
        }
        job.Configuration = configuration.DeepClone().AsObject();
        return job.Resource();
    }

    private async Task<JsonObject> UploadAsync(HttpRequest request)
    {
        if (request.Query["uploadType"] != "multipart") throw Violation(400, "invalid", "uploads need uploadType=multipart (or resumable)");
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || contentType.MediaType != "multipart/related")
        {
            throw Violation(400, "invalid", $"a multipart upload is multipart/related, not {request.ContentType}");
        }
        if (request.ContentLength > MaxUploadBytes + 64 * 1024) throw Violation(400, "invalid", $"multipart upload of {request.ContentLength} bytes; use chunks or a resumable upload");
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value ?? throw Violation(400, "invalid", "multipart/related without a boundary");
        var reader = new MultipartReader(boundary, request.Body);
        var metadataPart = await reader.ReadNextSectionAsync() ?? throw Violation(400, "invalid", "the upload has no metadata part");
        if (metadataPart.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            throw Violation(400, "invalid", $"the first part is the JSON job resource, not {metadataPart.ContentType}");
        }
        var metadata = JsonNode.Parse(await new StreamReader(metadataPart.Body).ReadToEndAsync())!.AsObject();
        var dataPart = await reader.ReadNextSectionAsync() ?? throw Violation(400, "invalid", "the upload has no media part");
        var data = await new StreamReader(dataPart.Body, Encoding.UTF8).ReadToEndAsync();
        if (await reader.ReadNextSectionAsync() is not null) throw Violation(400, "invalid", "a multipart upload has exactly two parts");
        var load = metadata["configuration"]?["load"]?.AsObject() ?? throw Violation(400, "invalid", "the upload's job resource needs configuration.load");
        CheckFields(load, JobLoadFields, "JobConfigurationLoad");
        var destination = load["destinationTable"];
        if (destination?["projectId"]?.GetValue<string>() != Project || destination["datasetId"] is null || destination["tableId"] is null)
        {
            throw Violation(400, "invalid", "configuration.load.destinationTable needs projectId, datasetId, tableId");
        }
        if (load["sourceFormat"]?.GetValue<string>() != "NEWLINE_DELIMITED_JSON") throw Violation(400, "invalid", "this fake loads NEWLINE_DELIMITED_JSON only (CSV is the API default)");
        var disposition = load["writeDisposition"]?.GetValue<string>() ?? "WRITE_APPEND";
        if (disposition is not ("WRITE_TRUNCATE" or "WRITE_APPEND" or "WRITE_EMPTY")) throw Violation(400, "invalid", $"unknown writeDisposition {disposition}");
        var job = NewJob(JobId(metadata), "load");
        Trace(job.Id, BigQueryJobKind.Load, 1, Encoding.UTF8.GetByteCount(data), load["destinationTable"]?["tableId"]?.GetValue<string>());
        try
        {
            var rows = Store.Load(destination["datasetId"]!.GetValue<string>(), destination["tableId"]!.GetValue<string>(), disposition, data);
            job.Statistics = new JsonObject { ["load"] = new JsonObject { ["outputRows"] = rows.ToString(CultureInfo.InvariantCulture) } };
        }
        catch (FakeBigQueryError e)
        {
            job.Error = new JsonObject { ["reason"] = e.Reason, ["message"] = e.Message };
        }
        job.Configuration = metadata["configuration"]!.DeepClone().AsObject();
        return job.Resource();
    }

    private JsonObject GetJob(HttpRequest request, string jobId)
    {
        var job = _jobs.GetValueOrDefault(jobId) ?? throw new FakeBigQueryError(404, "notFound", $"Not found: Job {Project}:US.{jobId}");
        if (request.Query["location"].Count == 0) throw Violation(400, "invalid", "jobs.get needs location= for jobs outside US/EU multi-regions");
        if (job.PendingPolls > 0) job.PendingPolls--;
        return job.Resource();
    }

    private string JobId(JsonObject? body)
    {
        var reference = body?["jobReference"];
        if (reference is null) return $"job_{Interlocked.Increment(ref _jobCounter)}";
        var id = reference["jobId"]?.GetValue<string>() ?? throw Violation(400, "invalid", "jobReference.jobId is required");
        if (!JobIdPattern().IsMatch(id)) throw Violation(400, "invalid", $"Invalid job ID \"{id}\": letters, numbers, dashes and underscores, at most 1,024");
        if (reference["projectId"]?.GetValue<string>() != Project) throw Violation(400, "invalid", "jobReference.projectId must be the project of the URL");
        return id;
    }

    private FakeJob NewJob(string id, string kind)
    {
        var job = new FakeJob(id, kind) { PendingPolls = JobPendingPolls };
        if (!_jobs.TryAdd(id, job)) throw new FakeBigQueryError(409, "duplicate", $"Already Exists: Job {Project}:US.{id}");
        return job;
    }

    /// <summary>Query text and NAMED parameters, checked as the reference describes them; returns parameters by name.</summary>
    private Dictionary<string, JsonObject> CheckQuery(JsonObject body, string what)
    {
        if (body["query"]?.GetValueKind() != JsonValueKind.String) throw Violation(400, "invalid", $"{what}.query is required");
        if (body["useLegacySql"]?.GetValueKind() != JsonValueKind.False)
        {
            throw Violation(400, "invalidQuery", $"{what}.useLegacySql must be false: it defaults to true, and legacy SQL cannot read `project.dataset.table` or @parameters");
        }
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var parameters = body["queryParameters"]?.AsArray() ?? [];
        if (parameters.Count > 0 && body["parameterMode"]?.GetValue<string>() != "NAMED") throw Violation(400, "invalid", "named parameters need parameterMode NAMED");
        foreach (var node in parameters)
        {
            var parameter = node!.AsObject();
            var name = parameter["name"]?.GetValue<string>() ?? throw Violation(400, "invalid", "a NAMED query parameter needs a name");
            CheckParameter(name, parameter["parameterType"], parameter["parameterValue"]);
            if (!result.TryAdd(name, parameter)) throw Violation(400, "invalid", $"Duplicate query parameter name: {name}");
        }
        return result;
    }

    private void CheckParameter(string name, JsonNode? type, JsonNode? value)
    {
        var typeName = type?["type"]?.GetValue<string>();
        if (typeName is null || !ParameterTypes.Contains(typeName)) throw Violation(400, "invalid", $"parameter {name}: parameterType.type '{typeName}' is not a BigQuery type");
        if (value is null) throw Violation(400, "invalid", $"parameter {name} has no parameterValue");
        if (typeName == "ARRAY")
        {
            var elementType = type!["arrayType"] ?? throw Violation(400, "invalid", $"ARRAY parameter {name} needs arrayType");
            foreach (var element in value["arrayValues"]?.AsArray() ?? []) CheckParameter(name, elementType, element);
            return;
        }
        var text = value["value"];
        if (text is null) return;
        if (text.GetValueKind() != JsonValueKind.String) throw Violation(400, "invalid", $"parameter {name}: parameterValue.value is a string, not {text.GetValueKind()}");
        var s = text.GetValue<string>();
        var ok = typeName switch
        {
            "INT64" => long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
            "DATE" => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            "BOOL" => s is "true" or "false",
            "FLOAT64" => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || s is "NaN" or "Infinity" or "-Infinity",
            "TIMESTAMP" => DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            _ => true,
        };
        if (!ok) throw Violation(400, "invalidQuery", $"Invalid {typeName} literal for parameter {name}: {s}");
    }

    private void CheckFields(JsonObject body, HashSet<string> allowed, string what)
    {
        foreach (var (name, _) in body)
        {
            if (!allowed.Contains(name)) throw Violation(400, "invalid", $"Invalid JSON payload received. Unknown name \"{name}\" at '{what}'");
        }
    }

    private void Authorize(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var ok = header.StartsWith("Bearer ", StringComparison.Ordinal) && IsIssued(header["Bearer ".Length..]);
        if (!ok)
        {
            throw Violation(401, "required", header.Length == 0
                ? "Request is missing required authentication credential. Expected OAuth 2 access token."
                : "Request had invalid authentication credentials. Expected OAuth 2 access token.");
        }
    }

    private bool IsIssued(string token)
    {
        lock (_tokens) return _tokens.Contains(token);
    }

    /// <summary>The OAuth 2.0 JWT-bearer grant: a service-account assertion signed RS256 with a known key.</summary>
    private async Task<JsonObject> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer") throw Violation(400, "invalid_grant", $"unsupported grant_type {form["grant_type"]}");
        var parts = form["assertion"].ToString().Split('.');
        if (parts.Length != 3) throw Violation(400, "invalid_grant", "the assertion is not a JWT");
        var header = JsonNode.Parse(Base64UrlTextEncoder.Decode(parts[0]))!;
        var claims = JsonNode.Parse(Base64UrlTextEncoder.Decode(parts[1]))!;
        if (header["alg"]?.GetValue<string>() != "RS256") throw Violation(400, "invalid_grant", "service-account assertions are RS256");
        var issuer = claims["iss"]?.GetValue<string>() ?? "";
        RSA? key;
        lock (_serviceAccounts) key = _serviceAccounts.GetValueOrDefault(issuer);
        if (key is null) throw Violation(400, "invalid_grant", $"unknown service account {issuer}");
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!key.VerifyData(signed, Base64UrlTextEncoder.Decode(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            throw Violation(400, "invalid_grant", "Invalid JWT Signature.");
        }
        // Google's token endpoint takes its own URL as the audience (the client libraries always send it).
        var audience = claims["aud"]?.GetValue<string>();
        if (audience != TokenUri.ToString() && audience != "https://oauth2.googleapis.com/token")
        {
            throw Violation(400, "invalid_grant", $"the assertion's aud must be the token endpoint, not {audience}");
        }
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        if (claims["exp"]?.GetValue<long>() is not { } exp || exp < now || exp - claims["iat"]!.GetValue<long>() > 3600)
        {
            throw Violation(400, "invalid_grant", "Invalid JWT: exp must be in the future and at most an hour after iat");
        }
        var scopes = claims["scope"]?.GetValue<string>()?.Split(' ') ?? [];
        if (!scopes.Contains("https://www.googleapis.com/auth/bigquery")) throw Violation(400, "invalid_scope", $"the assertion does not ask for the BigQuery scope ({string.Join(" ", scopes)})");
        return new JsonObject { ["access_token"] = IssueToken(), ["token_type"] = "Bearer", ["expires_in"] = 3599 };
    }

    private static async Task<JsonObject> ReadJsonAsync(HttpRequest request)
    {
        if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
        {
            throw new FakeBigQueryError(400, "invalid", $"the body must be application/json, not {request.ContentType}");
        }
        try
        {
            return (await JsonNode.ParseAsync(request.Body))?.AsObject() ?? throw new FakeBigQueryError(400, "parseError", "empty body");
        }
        catch (JsonException e)
        {
            throw new FakeBigQueryError(400, "parseError", $"Invalid JSON payload received. {e.Message}");
        }
    }

    private FakeBigQueryError Violation(int status, string reason, string message)
    {
        lock (_violations) _violations.Add(message);
        return new FakeBigQueryError(status, reason, message);
    }

    private (string Reason, string Message)? TakeJobFault()
    {
        lock (_faults)
        {
            if (_jobFaults.Count == 0) return null;
            var (reason, message, times) = _jobFaults.Dequeue();
            if (times > 1) _jobFaults.Enqueue((reason, message, times - 1));
            return (reason, message);
        }
    }

    private InjectedFault? TakeFault(string method, string path)
    {
        lock (_faults)
        {
            var index = _faults.FindIndex(f => f.Times > 0 && f.Match(method, path));
            if (index < 0) return null;
            var fault = _faults[index];
            _faults[index] = fault with { Times = fault.Times - 1 };
            return fault;
        }
    }

    private static JsonObject ErrorBody(int status, string reason, string message) => new()
    {
        ["error"] = new JsonObject
        {
            ["code"] = status,
            ["message"] = message,
            ["errors"] = new JsonArray(new JsonObject { ["message"] = message, ["domain"] = "global", ["reason"] = reason }),
            ["status"] = status switch { 400 => "INVALID_ARGUMENT", 401 => "UNAUTHENTICATED", 403 => "PERMISSION_DENIED", 404 => "NOT_FOUND", 409 => "ALREADY_EXISTS", 429 => "RESOURCE_EXHAUSTED", _ => "INTERNAL" },
        },
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Store.Dispose();
    }

    [GeneratedRegex("^/(?<upload>upload/)?bigquery/v2/projects/(?<project>[^/]+)/(?<rest>.+)$")]
    private static partial Regex ApiPath();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,1024}$")]
    private static partial Regex JobIdPattern();

    private readonly record struct InjectedFault(Func<string, string, bool> Match, int Status, string Reason, int Times);

    private sealed class FakeJob(string id, string kind)
    {
        public string Id { get; } = id;
        public FakeQueryResult? Result { get; set; }
        public JsonObject? Error { get; set; }
        public JsonObject? Configuration { get; set; }
        public JsonObject? Statistics { get; set; }
        public int PendingPolls { get; set; }
        public bool UseInt64Timestamp { get; set; }

        public JsonObject Resource()
        {
            var status = new JsonObject { ["state"] = PendingPolls > 0 ? "RUNNING" : "DONE" };
            if (PendingPolls == 0 && Error is not null)
            {
                status["errorResult"] = Error.DeepClone();
                status["errors"] = new JsonArray(Error.DeepClone());
            }
            return new JsonObject
            {
                ["kind"] = "bigquery#job",
                ["id"] = $"{Project}:US.{Id}",
                ["jobReference"] = new JsonObject { ["projectId"] = Project, ["jobId"] = Id, ["location"] = "US" },
                ["configuration"] = Configuration?.DeepClone() ?? new JsonObject { ["jobType"] = kind.ToUpperInvariant() },
                ["status"] = status,
                ["statistics"] = Statistics?.DeepClone() ?? new JsonObject(),
            };
        }
    }
}

public sealed record FakeRequest(string Method, string Path, int Status, TimeSpan Elapsed);
