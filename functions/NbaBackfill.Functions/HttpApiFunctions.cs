using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using NbaBackfill.Api;
using static NbaBackfill.Api.ApiRoutes;

namespace NbaBackfill.Functions;

/// <summary>
/// The HTTP API on Azure Functions (ASP.NET Core integration): one trigger per endpoint of
/// <see cref="BackfillEndpoints"/>, declared with its name and route constants; each hands its Durable client to
/// the request and runs the endpoint's own handler, so both hosts bind, validate and answer alike.
/// </summary>
public sealed class HttpApiFunctions(EndpointRunner endpoints)
{
    [Function(Names.StartBackfill)]
    public Task<IActionResult> StartAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Backfills)] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        endpoints.RunAsync(Names.StartBackfill, req, client);

    [Function(Names.ListBackfills)]
    public Task<IActionResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Backfills)] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        endpoints.RunAsync(Names.ListBackfills, req, client);

    [Function(Names.GetBackfill)]
    public Task<IActionResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = Backfill)] HttpRequest req, string id, [DurableClient] DurableTaskClient client) =>
        endpoints.RunAsync(Names.GetBackfill, req, client, id);

    [Function(Names.TerminateBackfill)]
    public Task<IActionResult> TerminateAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Terminate)] HttpRequest req, string id, [DurableClient] DurableTaskClient client) =>
        endpoints.RunAsync(Names.TerminateBackfill, req, client, id);

    [Function(Names.RetryBackfill)]
    public Task<IActionResult> RetryAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = Retry)] HttpRequest req, string id, [DurableClient] DurableTaskClient client) =>
        endpoints.RunAsync(Names.RetryBackfill, req, client, id);

    [Function(Names.Gaps)]
    public Task<IActionResult> GapsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Gaps)] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        endpoints.RunAsync(Names.Gaps, req, client);

    [Function(Names.Reconciliation)]
    public Task<IActionResult> ReconciliationAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Reconciliation)] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        endpoints.RunAsync(Names.Reconciliation, req, client);

    [Function(Names.Coverage)]
    public Task<IActionResult> CoverageAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Coverage)] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        endpoints.RunAsync(Names.Coverage, req, client);

    [Function(Names.Failures)]
    public Task<IActionResult> FailuresAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Failures)] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        endpoints.RunAsync(Names.Failures, req, client);

    [Function(Names.Stale)]
    public Task<IActionResult> StaleAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Stale)] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        endpoints.RunAsync(Names.Stale, req, client);

    [Function(Names.Runs)]
    public Task<IActionResult> RunsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = ApiRoutes.Runs)] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        endpoints.RunAsync(Names.Runs, req, client);
}

/// <summary>
/// Runs an endpoint's handler on a Functions request: the handler is compiled once into a request delegate by
/// ASP.NET Core's <see cref="RequestDelegateFactory"/> (the same binding minimal APIs use), and writes the response
/// itself; the trigger then returns an empty action result, so nothing is written twice.
/// </summary>
public sealed class EndpointRunner(IServiceProvider services)
{
    public const string EngineName = "functions";

    private readonly ConcurrentDictionary<string, RequestDelegate> _delegates = new(StringComparer.Ordinal);

    public async Task<IActionResult> RunAsync(string name, HttpRequest req, DurableTaskClient client, string? id = null)
    {
        var http = req.HttpContext;
        http.Features.Set(new ApiEngine(client, EngineName));
        // Functions matched the route and bound {id}; the handler binds it from route values, as under ASP.NET routing.
        if (id is not null) http.Request.RouteValues["id"] = id;
        await _delegates.GetOrAdd(name, Compile)(http);
        return new EmptyResult();
    }

    private RequestDelegate Compile(string name)
    {
        var endpoint = BackfillEndpoints.Named(name);
        return RequestDelegateFactory.Create(endpoint.Handler, new RequestDelegateFactoryOptions
        {
            ServiceProvider = services,
            RouteParameterNames = RoutePatternFactory.Parse(endpoint.Route).Parameters.Select(p => p.Name).ToList(),
        }).RequestDelegate;
    }
}
