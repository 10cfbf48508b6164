using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NbaBackfill.Api;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Functions.Tests;

/// <summary>
/// ASP.NET Core requests for calling the HTTP triggers in-process the way the Functions worker does: an HttpContext
/// whose services are the app's (as Program.cs registers them), and the trigger's action result executed afterwards.
/// </summary>
internal sealed class FakeHttp(IWarehouse warehouse, ApiOptions options)
{
    public IServiceProvider Services { get; } = new ServiceCollection()
        .AddLogging().AddBackfillApi()
        .AddSingleton(warehouse).AddSingleton(options).AddSingleton(TimeProvider.System)
        .AddSingleton<EndpointRunner>()
        .BuildServiceProvider();

    public HttpRequest Request(string method, string url, string body = "")
    {
        var uri = new Uri(url);
        var http = new DefaultHttpContext { RequestServices = Services };
        http.Request.Method = method;
        http.Request.Scheme = uri.Scheme;
        http.Request.Host = new HostString(uri.Authority);
        http.Request.Path = uri.AbsolutePath;
        http.Request.QueryString = new QueryString(uri.Query);
        http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        http.Response.Body = new MemoryStream();
        return http.Request;
    }

    /// <summary>Runs a trigger's returned action result as the worker's proxying middleware does, and reads the response.</summary>
    public static async Task<FakeResponse> SendAsync(HttpRequest request, Func<HttpRequest, Task<IActionResult>> trigger)
    {
        var result = await trigger(request);
        var http = request.HttpContext;
        await result.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
        return new FakeResponse(http.Response.StatusCode, http.Response.ContentType, http.Response.Headers,
            Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray()));
    }
}

internal sealed record FakeResponse(int Status, string? ContentType, IHeaderDictionary Headers, string Text);
