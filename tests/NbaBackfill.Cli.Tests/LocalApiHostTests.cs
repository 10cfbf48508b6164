using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NbaBackfill.Api;
using NbaBackfill.Cli.Serve;
using NbaBackfill.Engines;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Cli.Tests;

/// <summary>`serve`'s API on a real Kestrel on loopback: same routes and codes as the Functions app, plus the token.</summary>
[Collection("durable hosts")]
public sealed class LocalApiHostTests : IAsyncLifetime
{
    private const string Token = "test-token";
    private BundledEngine _bed = null!;

    private DuckDbWarehouse Warehouse => _bed.Warehouse;

    private SidecarEngine Engine => _bed.Engine;
    private LocalApiHost _host = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _bed = await BundledEngine.StartAsync("serve");
        var port = BundledEngine.FreePort();
        _host = await LocalApiHost.StartAsync(Engine, Warehouse, TimeProvider.System, new ApiOptions(MaxBodyBytes: 1024), Token, port, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        await _bed.DisposeAsync();
    }

    private HttpRequestMessage Request(HttpMethod method, string path, string? body = null, string? token = Token)
    {
        var request = new HttpRequestMessage(method, _host.BaseUrl + path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return request;
    }

    [Fact]
    public async Task Without_the_token_every_api_call_is_401()
    {
        foreach (var token in new[] { null, "wrong" })
        {
            using var response = await _http.SendAsync(Request(HttpMethod.Post, "/api/backfills", "{\"from\":\"2021-11-01\",\"to\":\"2021-11-02\"}", token));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }
        Assert.Null(await Engine.Client.GetInstanceAsync("bf-20211101-20211102-pgspszatdzapcfpdcmlfs"));
    }

    [Fact]
    public async Task Every_endpoint_of_the_table_is_served_under_its_route_and_method()
    {
        const string unknown = "bf-20990101-20990102-pgs";
        foreach (var endpoint in BackfillEndpoints.All)
        {
            var path = "/" + ApiRoutes.Prefix + "/" + endpoint.Route.Replace("{id}", unknown, StringComparison.Ordinal);
            using var response = await _http.SendAsync(Request(new HttpMethod(endpoint.Method), path, endpoint.Name == ApiRoutes.Names.StartBackfill ? "{}" : null));
            var body = await response.Content.ReadAsStringAsync();
            // The API's own answer (200, a 400 naming a missing query field, a 404 for the unknown id), never the router's 404/405.
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest
                || (response.StatusCode == HttpStatusCode.NotFound && body.Contains(unknown, StringComparison.Ordinal)), $"{endpoint.Name}: {(int)response.StatusCode} {body}");
        }
    }

    [Fact]
    public async Task Start_202_duplicate_409_get_200_unknown_404_bad_400()
    {
        using var start = await _http.SendAsync(Request(HttpMethod.Post, "/api/backfills", "{\"from\":\"2021-11-01\",\"to\":\"2021-11-02\",\"batchSize\":1,\"maxParallel\":1}"));
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var id = JsonDocument.Parse(await start.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
        Assert.Equal(new Uri($"{_host.BaseUrl}/api/backfills/{id}"), start.Headers.Location);

        using var duplicate = await _http.SendAsync(Request(HttpMethod.Post, "/api/backfills", "{\"from\":\"2021-11-01\",\"to\":\"2021-11-02\"}"));
        var duplicateStatus = duplicate.StatusCode;
        await Engine.Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal(HttpStatusCode.Conflict, duplicateStatus);

        using var get = await _http.SendAsync(Request(HttpMethod.Get, "/api/backfills/" + id));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("Completed", JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());

        using var missing = await _http.SendAsync(Request(HttpMethod.Get, "/api/backfills/bf-20990101-20990102-pgs"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        // Not a route at all: problem+json as well, not an empty body.
        using var noSuchRoute = await _http.SendAsync(Request(HttpMethod.Get, "/api/nothing-here"));
        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (noSuchRoute.StatusCode, noSuchRoute.Content.Headers.ContentType?.MediaType));
        using var bad = await _http.SendAsync(Request(HttpMethod.Post, "/api/backfills", "{\"from\":\"2021-11-01\",\"to\":\"2021-11-02\",\"processors\":[\"NOPE\"]}"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var huge = await _http.SendAsync(Request(HttpMethod.Post, "/api/backfills", "{\"pad\":\"" + new string('x', 3000) + "\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Contains("larger than 1024 bytes", await huge.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var gaps = await _http.SendAsync(Request(HttpMethod.Get, "/api/gaps?from=2021-10-31&to=2021-11-02"));
        var dates = JsonDocument.Parse(await gaps.Content.ReadAsStringAsync()).RootElement.GetProperty("dates").EnumerateArray().ToList();
        Assert.Equal(3, dates.Count);
        Assert.True(dates[1].GetProperty("counts").GetProperty("PGS").GetInt32() > 0);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes are the point of the test
    public void A_token_is_generated_once_and_reused_unless_the_environment_sets_one()
    {
        var file = Path.Combine(_bed.Dir, "api-token");
        var first = LocalApiHost.LoadOrCreateToken(_ => null, file);
        Assert.Equal(64, first.Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file)); // owner-only, from creation
        Assert.Equal(first, LocalApiHost.LoadOrCreateToken(_ => null, file));
        var fromEnv = new string('e', 32);
        Assert.Equal(fromEnv, LocalApiHost.LoadOrCreateToken(n => n == "NBA_API_TOKEN" ? fromEnv : null, file));
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("0123456789012345678901234567890")] // 31 characters
    public void A_short_or_empty_token_from_the_environment_is_refused(string token)
    {
        var e = Assert.Throws<UsageException>(() => LocalApiHost.LoadOrCreateToken(n => n == "NBA_API_TOKEN" ? token : null, Path.Combine(_bed.Dir, "api-token")));
        Assert.StartsWith("NBA_API_TOKEN: must be at least 32 characters", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_bed.Dir, "api-token")));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_token_file_that_others_can_read_or_a_short_one_is_refused()
    {
        var file = Path.Combine(_bed.Dir, "api-token");
        File.WriteAllText(file, new string('x', 64));
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.Contains("readable by group or others", Assert.Throws<UsageException>(() => LocalApiHost.LoadOrCreateToken(_ => null, file)).Message, StringComparison.Ordinal);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(file, "abc");
        Assert.Contains("shorter than 32", Assert.Throws<UsageException>(() => LocalApiHost.LoadOrCreateToken(_ => null, file)).Message, StringComparison.Ordinal);
    }

    // The bad-input catalogue over HTTP: each case is 400 problem+json naming the field, never a 500, and nothing is
    // started or written.
    private const string Range = "\"from\":\"2021-11-01\",\"to\":\"2021-11-02\"";

    public static TheoryData<string, string, string?, string> Cases => new()
    {
        // POST /api/backfills: dates
        { "POST", "/api/backfills", "{\"from\":\"9999-12-31\",\"to\":\"9999-12-31\"}", "from" },
        { "POST", "/api/backfills", "{\"from\":\"0001-01-01\",\"to\":\"2021-11-02\"}", "from" },
        { "POST", "/api/backfills", "{\"from\":\"2021-11-01\",\"to\":\"2101-01-01\"}", "to" },
        { "POST", "/api/backfills", "{\"from\":\"1945-12-31\",\"to\":\"1946-01-02\"}", "from" },
        { "POST", "/api/backfills", "{\"from\":\"2021-11-01T00:00:00\",\"to\":\"2021-11-02\"}", "from" },
        { "POST", "/api/backfills", "{\"from\":null,\"to\":\"2021-11-02\"}", "from" },
        { "POST", "/api/backfills", "{\"from\":\"2021-11-01\",\"to\":[]}", "to" },
        { "POST", "/api/backfills", "{\"from\":\"2021-11-01\"}", "to" },
        // processors: names, not enum values or flag combinations
        { "POST", "/api/backfills", "{" + Range + ",\"processors\":[\"5\"]}", "processors" },
        { "POST", "/api/backfills", "{" + Range + ",\"processors\":[\"PSZA,TDZA\"]}", "processors" },
        { "POST", "/api/backfills", "{" + Range + ",\"processors\":[\"-1\"]}", "processors" },
        { "POST", "/api/backfills", "{" + Range + ",\"processors\":[5]}", "processors" },
        { "POST", "/api/backfills", "{" + Range + ",\"processors\":[null]}", "processors" },
        { "POST", "/api/backfills", "{" + Range + ",\"processors\":{\"PGS\":true}}", "processors" },
        // duplicate keys: refused, not last-wins
        { "POST", "/api/backfills", "{" + Range + ",\"from\":\"2021-01-01\"}", "from" },
        { "POST", "/api/backfills", "{" + Range + ",\"dryRun\":true,\"dryRun\":false}", "dryRun" },
        // other fields
        { "POST", "/api/backfills", "{" + Range + ",\"onFailure\":\"STOP\"}", "onFailure" },
        { "POST", "/api/backfills", "{" + Range + ",\"onFailure\":1}", "onFailure" },
        { "POST", "/api/backfills", "{" + Range + ",\"maxParallel\":65}", "maxParallel" },
        { "POST", "/api/backfills", "{" + Range + ",\"maxParallel\":1e3}", "maxParallel" },
        { "POST", "/api/backfills", "{" + Range + ",\"batchSize\":-1}", "batchSize" },
        { "POST", "/api/backfills", "{" + Range + ",\"batchSize\":99999999999}", "batchSize" },
        { "POST", "/api/backfills", "{" + Range + ",\"skipPreflight\":\"true\"}", "skipPreflight" },
        { "POST", "/api/backfills", "{" + Range + ",\"force\":\"yes\"}", "force" },
        { "POST", "/api/backfills", "{" + Range + ",\"stale\":true}", "stale" },
        { "GET", "/api/stale?from=2021-11-05&to=2021-11-01", null, "to" },
        { "GET", "/api/stale?from=2021-11-05", null, "to" },
        { "POST", "/api/backfills", "{" + Range + ",\"__proto__\":{}}", "__proto__" },
        { "POST", "/api/backfills", "", "body" },
        { "POST", "/api/backfills", "null", "body" },
        { "POST", "/api/backfills", "{\"from\":\"2021-11-01\",", "body" },
        { "POST", "/api/backfills", "{\"pad\":\"" + new string('x', 3000) + "\"}", "body" },
        // route ids
        { "GET", "/api/backfills/nope", null, "id" },
        { "GET", "/api/backfills/..%2F..%2Fetc", null, "id" },
        { "GET", "/api/backfills/bf-20211101-20211130-PGS", null, "id" },
        { "POST", "/api/backfills/x/terminate", null, "id" },
        { "POST", "/api/backfills/daily-2021-13-40x/retry", null, "id" },
        { "POST", "/api/backfills/bf-20211101-20211130-pgs/retry?correctableOnly=1", null, "correctableOnly" },
        // query strings
        { "GET", "/api/backfills?status=5", null, "status" },
        { "GET", "/api/backfills?status=Running,Sleeping", null, "status" },
        { "GET", "/api/backfills?pageSize=0", null, "pageSize" },
        { "GET", "/api/backfills?from=9999-12-31", null, "from" },
        { "GET", "/api/gaps?from=2021-11-01&to=9999-12-31", null, "to" },
        { "GET", "/api/gaps?from=0001-01-01&to=2021-11-01", null, "from" },
        { "GET", "/api/coverage?from=2021-11-05&to=2021-11-01", null, "to" },
        { "GET", "/api/reconciliation?to=2021-11-01", null, "from" },
        { "GET", "/api/reconciliation?from=2021-11-01&to=2021-11-01&perDate=yes", null, "perDate" },
        { "GET", "/api/failures?processor=5&date=2021-11-01", null, "processor" },
        { "GET", "/api/failures?processor=PSZA,TDZA&date=2021-11-01", null, "processor" },
        { "GET", "/api/failures?processor=PGS&date=9999-12-31", null, "from" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_400_problem_json_naming_the_field_and_starts_nothing(string method, string path, string? body, string field)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), _host.BaseUrl + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(text);
        var fields = problem.RootElement.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.Contains(field, fields);

        var instances = new List<string>();
        await foreach (var m in Engine.Client.GetAllInstancesAsync()) instances.Add(m.InstanceId);
        Assert.Empty(instances);
        Assert.Empty(await Warehouse.ReadAllAsync(TableCatalog.BackfillRuns, null, CancellationToken.None));
        Assert.Empty(await Warehouse.ReadAllAsync(TableCatalog.BackfillStatus, null, CancellationToken.None));
    }
}
