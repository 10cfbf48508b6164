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

/// <summary>
/// Bad input over HTTP (the `serve` host, same API as Functions): each case is 400 problem+json naming the field,
/// never a 500, and nothing is started or written.
/// </summary>
[Collection("durable hosts")]
public sealed class BadRequestCatalogueTests : IAsyncLifetime
{
    private const string Token = "catalogue-token-0123456789abcdef0123";
    private BundledEngine _bed = null!;

    private DuckDbWarehouse Warehouse => _bed.Warehouse;

    private SidecarEngine Engine => _bed.Engine;
    private LocalApiHost _host = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync()
    {
        _bed = await BundledEngine.StartAsync("catalogue");
        var port = BundledEngine.FreePort();
        _host = await LocalApiHost.StartAsync(Engine, Warehouse, TimeProvider.System, new ApiOptions(MaxBodyBytes: 2048), Token, port, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        await _bed.DisposeAsync();
    }

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
        { "POST", "/api/backfills", "{" + Range + ",\"force\":true}", "force" },
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
        var fields = problem.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        Assert.Contains(field, fields);

        var instances = new List<string>();
        await foreach (var m in Engine.Client.GetAllInstancesAsync()) instances.Add(m.InstanceId);
        Assert.Empty(instances);
        Assert.Empty(await Warehouse.ReadAllAsync(TableCatalog.BackfillRuns, null, CancellationToken.None));
        Assert.Empty(await Warehouse.ReadAllAsync(TableCatalog.BackfillStatus, null, CancellationToken.None));
    }
}
