using System.Net;
using System.Text.Json;
using NbaBackfill.Api;
using NbaBackfill.Engines;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Functions.Tests;

/// <summary>The HTTP triggers called with fake requests and a real Durable Task client (in-process test host).</summary>
[Collection("durable hosts")]
public sealed class HttpApiFunctionsTests : IAsyncLifetime
{
    private BundledEngine _bed = null!;

    private DuckDbWarehouse Warehouse => _bed.Warehouse;

    private SidecarEngine Engine => _bed.Engine;
    private HttpApiFunctions _functions = null!;

    public async Task InitializeAsync()
    {
        _bed = await BundledEngine.StartAsync("fn");
        _functions = new HttpApiFunctions(Warehouse, new ApiOptions(MaxBodyBytes: 512));
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task Post_starts_a_backfill_with_202_location_and_payload_then_get_reports_it()
    {
        var response = (FakeHttpResponse)await _functions.StartAsync(
            FakeHttpRequest.Create("POST", "https://nba.example.net/api/backfills", "{\"from\":\"2021-11-01\",\"to\":\"2021-11-03\"}"), Engine.Client);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = JsonDocument.Parse(response.Text);
        var id = body.RootElement.GetProperty("id").GetString()!;
        // This app's own routes only: Durable's webhook URLs would carry the system key (purge, rewind, raise events).
        Assert.Equal("https://nba.example.net/api/backfills/" + id, body.RootElement.GetProperty("statusQueryGetUri").GetString());
        Assert.Equal("https://nba.example.net/api/backfills/" + id + "/terminate", body.RootElement.GetProperty("terminatePostUri").GetString());
        Assert.Equal("https://nba.example.net/api/backfills/" + id + "/retry", body.RootElement.GetProperty("retryPostUri").GetString());
        Assert.False(body.RootElement.TryGetProperty("purgeHistoryDeleteUri", out _));
        Assert.DoesNotContain("systemKey", response.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("webhooks", response.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(body.RootElement.GetProperty("statusQueryGetUri").GetString(), response.Headers.GetValues("Location").Single());

        await Engine.Client.WaitForInstanceCompletionAsync(id);
        var get = (FakeHttpResponse)await _functions.GetAsync(FakeHttpRequest.Create("GET", "https://nba.example.net/api/backfills/" + id), id, Engine.Client);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("Completed", JsonDocument.Parse(get.Text).RootElement.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("{\"from\":\"2021-11-05\",\"to\":\"2021-11-01\"}", "to")]
    [InlineData("not json", "body")]
    [InlineData("{\"from\":\"2021-11-01\",\"to\":\"2021-11-03\",\"processors\":[\"PGS\"],\"extra\":true}", "extra")]
    public async Task Bad_input_is_400_problem_json_naming_the_field(string body, string field)
    {
        var response = (FakeHttpResponse)await _functions.StartAsync(FakeHttpRequest.Create("POST", "https://x/api/backfills", body), Engine.Client);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("application/problem+json", response.Headers.GetValues("Content-Type").Single(), StringComparison.Ordinal);
        var errors = JsonDocument.Parse(response.Text).RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString());
        Assert.Contains(field, errors);
    }

    [Fact]
    public async Task Oversized_bodies_unknown_ids_and_bad_queries_are_refused()
    {
        var big = "{\"from\":\"2021-11-01\",\"to\":\"2021-11-03\",\"pad\":\"" + new string('x', 4000) + "\"}";
        Assert.Equal(HttpStatusCode.BadRequest, ((FakeHttpResponse)await _functions.StartAsync(FakeHttpRequest.Create("POST", "https://x/api/backfills", big), Engine.Client)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, ((FakeHttpResponse)await _functions.GetAsync(FakeHttpRequest.Create("GET", "https://x/api/backfills/bf-20990101-20990102-pgs"), "bf-20990101-20990102-pgs", Engine.Client)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, ((FakeHttpResponse)await _functions.GetAsync(FakeHttpRequest.Create("GET", "https://x/api/backfills/nope"), "nope", Engine.Client)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, ((FakeHttpResponse)await _functions.TerminateAsync(FakeHttpRequest.Create("POST", "https://x/api/backfills/bf-20990101-20990102-pgs/terminate"), "bf-20990101-20990102-pgs", Engine.Client)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, ((FakeHttpResponse)await _functions.GapsAsync(FakeHttpRequest.Create("GET", "https://x/api/gaps?from=2021-11-01"), Engine.Client)).StatusCode);
        var reconciliation = (FakeHttpResponse)await _functions.ReconciliationAsync(FakeHttpRequest.Create("GET", "https://x/api/reconciliation?from=2021-11-01&to=2021-11-02"), Engine.Client);
        Assert.Equal(HttpStatusCode.OK, reconciliation.StatusCode);
        Assert.Equal(6, JsonDocument.Parse(reconciliation.Text).RootElement.GetArrayLength());
    }
}
