using System.Net;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;
using NbaBackfill.Api;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Functions;

/// <summary>The HTTP API: each trigger reads the request, calls <see cref="BackfillApi"/>, writes its response.</summary>
public sealed class HttpApiFunctions(IWarehouse warehouse, ApiOptions options)
{
    [Function("StartBackfill")]
    public async Task<HttpResponseData> StartAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "backfills")] HttpRequestData req, [DurableClient] DurableTaskClient client)
    {
        var body = await RequestBody.ReadLimitedAsync(req.Body, options.MaxBodyBytes + 1, req.FunctionContext.CancellationToken);
        return await WriteAsync(req, await Api(client, req).StartAsync(body, req.FunctionContext.CancellationToken));
    }

    [Function("ListBackfills")]
    public async Task<HttpResponseData> ListAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "backfills")] HttpRequestData req, [DurableClient] DurableTaskClient client)
    {
        var q = System.Web.HttpUtility.ParseQueryString(req.Url.Query);
        return await WriteAsync(req, await Api(client, req).ListAsync(q["status"], q["from"], q["pageSize"], q["continuationToken"], req.FunctionContext.CancellationToken));
    }

    [Function("GetBackfill")]
    public async Task<HttpResponseData> GetAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "backfills/{id}")] HttpRequestData req, string id, [DurableClient] DurableTaskClient client) =>
        await WriteAsync(req, await Api(client, req).GetAsync(id, req.FunctionContext.CancellationToken));

    [Function("TerminateBackfill")]
    public async Task<HttpResponseData> TerminateAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "backfills/{id}/terminate")] HttpRequestData req, string id, [DurableClient] DurableTaskClient client) =>
        await WriteAsync(req, await Api(client, req).TerminateAsync(id, req.FunctionContext.CancellationToken));

    [Function("RetryBackfill")]
    public async Task<HttpResponseData> RetryAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "backfills/{id}/retry")] HttpRequestData req, string id, [DurableClient] DurableTaskClient client)
    {
        var q = System.Web.HttpUtility.ParseQueryString(req.Url.Query);
        return await WriteAsync(req, await Api(client, req).RetryAsync(id, q["correctableOnly"], req.FunctionContext.CancellationToken));
    }

    [Function("Gaps")]
    public async Task<HttpResponseData> GapsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "gaps")] HttpRequestData req, [DurableClient] DurableTaskClient client)
    {
        var q = System.Web.HttpUtility.ParseQueryString(req.Url.Query);
        return await WriteAsync(req, await Api(client, req).GapsAsync(q["from"], q["to"], req.FunctionContext.CancellationToken));
    }

    [Function("Reconciliation")]
    public async Task<HttpResponseData> ReconciliationAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "reconciliation")] HttpRequestData req, [DurableClient] DurableTaskClient client)
    {
        var q = System.Web.HttpUtility.ParseQueryString(req.Url.Query);
        return await WriteAsync(req, await Api(client, req).ReconciliationAsync(q["from"], q["to"], q["perDate"], req.FunctionContext.CancellationToken));
    }

    [Function("Coverage")]
    public async Task<HttpResponseData> CoverageAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "coverage")] HttpRequestData req, [DurableClient] DurableTaskClient client)
    {
        var q = System.Web.HttpUtility.ParseQueryString(req.Url.Query);
        return await WriteAsync(req, await Api(client, req).CoverageAsync(q["from"], q["to"], req.FunctionContext.CancellationToken));
    }

    [Function("Failures")]
    public async Task<HttpResponseData> FailuresAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "failures")] HttpRequestData req, [DurableClient] DurableTaskClient client)
    {
        var q = System.Web.HttpUtility.ParseQueryString(req.Url.Query);
        return await WriteAsync(req, await Api(client, req).FailuresAsync(q["processor"], q["date"], req.FunctionContext.CancellationToken));
    }

    [Function("Stale")]
    public async Task<HttpResponseData> StaleAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "stale")] HttpRequestData req, [DurableClient] DurableTaskClient client)
    {
        var q = System.Web.HttpUtility.ParseQueryString(req.Url.Query);
        return await WriteAsync(req, await Api(client, req).StaleAsync(q["from"], q["to"], req.FunctionContext.CancellationToken));
    }

    [Function("Runs")]
    public async Task<HttpResponseData> RunsAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "runs")] HttpRequestData req, [DurableClient] DurableTaskClient client) =>
        await WriteAsync(req, await Api(client, req).RunsAsync(req.FunctionContext.CancellationToken));

    private BackfillApi Api(DurableTaskClient client, HttpRequestData req) =>
        new(client, warehouse, options, id => ManagementPayloadOf(req, id), "functions");

    /// <summary>
    /// This app's routes (status, terminate, retry), never <c>CreateHttpManagementPayload</c>: its URLs carry the
    /// Durable system key, which opens purge/rewind/raise-event on every instance to whoever holds one function key.
    /// </summary>
    internal static ManagementPayload ManagementPayloadOf(HttpRequestData req, string id) =>
        ManagementPayloads.FromRoutes(req.Url.GetLeftPart(UriPartial.Authority), id);

    internal static async Task<HttpResponseData> WriteAsync(HttpRequestData req, ApiResponse api)
    {
        var response = req.CreateResponse((HttpStatusCode)api.Status);
        response.Headers.Add("Content-Type", api.ContentType + "; charset=utf-8");
        foreach (var (name, value) in api.Headers ?? new Dictionary<string, string>()) response.Headers.Add(name, value);
        await response.WriteStringAsync(api.BodyText);
        return response;
    }
}
