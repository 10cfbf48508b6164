using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using static NbaBackfill.Api.ApiRoutes;

namespace NbaBackfill.Api;

/// <summary>One endpoint: its name, method, route (under <see cref="ApiRoutes.Prefix"/>) and minimal-API handler.</summary>
public sealed record ApiEndpoint(string Name, string Method, string Route, Delegate Handler);

/// <summary>
/// The Durable client the API schedules on, and its engine's name (stamped on runs). The local host registers one;
/// Functions binds a client per invocation and hands it over as a request feature.
/// </summary>
public sealed record ApiEngine(DurableTaskClient Client, string Name);

// Query strings bind as strings on purpose: the API's rules name the field and the rule in a 400 problem+json,
// where the binder's own parse failure would be a bare 400.
public sealed record RangeQuery(string? From, string? To);

public sealed record ListQuery(string? Status, string? From, string? PageSize, string? ContinuationToken);

public sealed record RetryQuery(string? CorrectableOnly);

public sealed record ReconciliationQuery(string? From, string? To, string? PerDate);

public sealed record FailuresQuery(string? Processor, string? Date);

/// <summary>
/// The HTTP API's one endpoint table, in the style of eShop's OrdersApi: the local host maps it with
/// <see cref="MapBackfillApi"/>; each Azure Functions trigger runs the same handler through
/// <see cref="RequestDelegateFactory"/>, so binding, results and problem details are the same code on both hosts.
/// </summary>
public static class BackfillEndpoints
{
    public static IReadOnlyList<ApiEndpoint> All { get; } =
    [
        new(Names.StartBackfill, HttpMethods.Post, Backfills, async (BackfillApi api, HttpRequest request, CancellationToken ct) =>
            await api.StartAsync(await RequestBody.ReadLimitedAsync(request.Body, api.Options.MaxBodyBytes + 1, ct), ct)),
        new(Names.ListBackfills, HttpMethods.Get, Backfills, (BackfillApi api, [AsParameters] ListQuery query, CancellationToken ct) =>
            api.ListAsync(query, ct)),
        new(Names.GetBackfill, HttpMethods.Get, Backfill, (BackfillApi api, string id, CancellationToken ct) => api.GetAsync(id, ct)),
        new(Names.TerminateBackfill, HttpMethods.Post, Terminate, (BackfillApi api, string id, CancellationToken ct) =>
            api.TerminateAsync(id, ct)),
        new(Names.RetryBackfill, HttpMethods.Post, Retry, (BackfillApi api, string id, [AsParameters] RetryQuery query, CancellationToken ct) =>
            api.RetryAsync(id, query, ct)),
        new(Names.Gaps, HttpMethods.Get, ApiRoutes.Gaps, (BackfillApi api, [AsParameters] RangeQuery range, CancellationToken ct) =>
            api.GapsAsync(range, ct)),
        new(Names.Coverage, HttpMethods.Get, ApiRoutes.Coverage, (BackfillApi api, [AsParameters] RangeQuery range, CancellationToken ct) =>
            api.CoverageAsync(range, ct)),
        new(Names.Stale, HttpMethods.Get, ApiRoutes.Stale, (BackfillApi api, [AsParameters] RangeQuery range, CancellationToken ct) =>
            api.StaleAsync(range, ct)),
        new(Names.Runs, HttpMethods.Get, ApiRoutes.Runs, (BackfillApi api, CancellationToken ct) => api.RunsAsync(ct)),
        new(Names.Failures, HttpMethods.Get, ApiRoutes.Failures, (BackfillApi api, [AsParameters] FailuresQuery query, CancellationToken ct) =>
            api.FailuresAsync(query, ct)),
        new(Names.Reconciliation, HttpMethods.Get, ApiRoutes.Reconciliation,
            (BackfillApi api, [AsParameters] ReconciliationQuery query, CancellationToken ct) => api.ReconciliationAsync(query, ct)),
    ];

    public static ApiEndpoint Named(string name) => All.Single(e => e.Name == name);

    /// <summary>Maps every endpoint under <c>/api</c>.</summary>
    public static RouteGroupBuilder MapBackfillApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/" + Prefix);
        foreach (var endpoint in All)
        {
            group.MapMethods("/" + endpoint.Route, [endpoint.Method], endpoint.Handler).WithName(endpoint.Name);
        }
        return group;
    }

    /// <summary>What both hosts register for the API: its JSON (web defaults, nulls left out, enums by name) and problem details.</summary>
    public static IServiceCollection AddBackfillApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        services.AddProblemDetails();
        return services;
    }
}
