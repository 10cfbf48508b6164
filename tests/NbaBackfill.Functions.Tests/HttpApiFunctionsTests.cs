using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
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
    private FakeHttp _http = null!;

    public async Task InitializeAsync()
    {
        _bed = await BundledEngine.StartAsync("fn");
        _http = new FakeHttp(Warehouse, new ApiOptions(MaxBodyBytes: 512));
        _functions = new HttpApiFunctions(_http.Services.GetRequiredService<EndpointRunner>());
    }

    public async Task DisposeAsync()
    {
        await _bed.DisposeAsync();
    }

    private Task<FakeResponse> SendAsync(string method, string url, Func<HttpRequest, Task<IActionResult>> trigger, string body = "") =>
        FakeHttp.SendAsync(_http.Request(method, url, body), trigger);

    [Fact]
    public async Task Post_starts_a_backfill_with_202_location_and_payload_then_get_reports_it()
    {
        var response = await SendAsync("POST", "https://nba.example.net/api/backfills", r => _functions.StartAsync(r, Engine.Client),
            "{\"from\":\"2021-11-01\",\"to\":\"2021-11-03\"}");
        Assert.Equal(StatusCodes.Status202Accepted, response.Status);
        using var body = JsonDocument.Parse(response.Text);
        var id = body.RootElement.GetProperty("id").GetString()!;
        // This app's own routes only: Durable's webhook URLs would carry the system key (purge, rewind, raise events).
        Assert.Equal("https://nba.example.net/api/backfills/" + id, body.RootElement.GetProperty("statusQueryGetUri").GetString());
        Assert.Equal("https://nba.example.net/api/backfills/" + id + "/terminate", body.RootElement.GetProperty("terminatePostUri").GetString());
        Assert.Equal("https://nba.example.net/api/backfills/" + id + "/retry", body.RootElement.GetProperty("retryPostUri").GetString());
        Assert.False(body.RootElement.TryGetProperty("purgeHistoryDeleteUri", out _));
        Assert.DoesNotContain("systemKey", response.Text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("webhooks", response.Text, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(body.RootElement.GetProperty("statusQueryGetUri").GetString(), response.Headers.Location.ToString());

        await Engine.Client.WaitForInstanceCompletionAsync(id);
        // {id} comes from the Functions binding, as the host matched the route.
        var get = await SendAsync("GET", "https://nba.example.net/api/backfills/" + id, r => _functions.GetAsync(r, id, Engine.Client));
        Assert.Equal(StatusCodes.Status200OK, get.Status);
        using var status = JsonDocument.Parse(get.Text);
        Assert.Equal("Completed", status.RootElement.GetProperty("status").GetString());
        Assert.Equal(EndpointRunner.EngineName, status.RootElement.GetProperty("engine").GetString());
    }

    [Theory]
    [InlineData("{\"from\":\"2021-11-05\",\"to\":\"2021-11-01\"}", "to")]
    [InlineData("not json", "body")]
    [InlineData("{\"from\":\"2021-11-01\",\"to\":\"2021-11-03\",\"processors\":[\"PGS\"],\"extra\":true}", "extra")]
    public async Task Bad_input_is_400_problem_json_naming_the_field(string body, string field)
    {
        var response = await SendAsync("POST", "https://x/api/backfills", r => _functions.StartAsync(r, Engine.Client), body);
        Assert.Equal(StatusCodes.Status400BadRequest, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
        // ASP.NET Core's ValidationProblem: errors by field, each with its rules.
        var errors = JsonDocument.Parse(response.Text).RootElement.GetProperty("errors");
        Assert.NotEmpty(errors.GetProperty(field).EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Oversized_bodies_unknown_ids_and_bad_queries_are_refused()
    {
        var big = "{\"from\":\"2021-11-01\",\"to\":\"2021-11-03\",\"pad\":\"" + new string('x', 4000) + "\"}";
        Assert.Equal(400, (await SendAsync("POST", "https://x/api/backfills", r => _functions.StartAsync(r, Engine.Client), big)).Status);
        const string unknown = "bf-20990101-20990102-pgs";
        Assert.Equal(404, (await SendAsync("GET", "https://x/api/backfills/" + unknown, r => _functions.GetAsync(r, unknown, Engine.Client))).Status);
        Assert.Equal(400, (await SendAsync("GET", "https://x/api/backfills/nope", r => _functions.GetAsync(r, "nope", Engine.Client))).Status);
        var terminate = await SendAsync("POST", $"https://x/api/backfills/{unknown}/terminate", r => _functions.TerminateAsync(r, unknown, Engine.Client));
        Assert.Equal((404, "Not found"), (terminate.Status, JsonDocument.Parse(terminate.Text).RootElement.GetProperty("title").GetString()));
        var gaps = await SendAsync("GET", "https://x/api/gaps?from=2021-11-01", r => _functions.GapsAsync(r, Engine.Client));
        Assert.Equal(400, gaps.Status);
        Assert.True(JsonDocument.Parse(gaps.Text).RootElement.GetProperty("errors").TryGetProperty("to", out _));
        var list = await SendAsync("GET", "https://x/api/backfills?pageSize=0", r => _functions.ListAsync(r, Engine.Client));
        Assert.True(JsonDocument.Parse(list.Text).RootElement.GetProperty("errors").TryGetProperty("pageSize", out _));
        var reconciliation = await SendAsync("GET", "https://x/api/reconciliation?from=2021-11-01&to=2021-11-02",
            r => _functions.ReconciliationAsync(r, Engine.Client));
        Assert.Equal(200, reconciliation.Status);
        Assert.Equal(6, JsonDocument.Parse(reconciliation.Text).RootElement.GetArrayLength());
    }
}
