using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace NbaBackfill.Api.Tests;

/// <summary>A typed result as a client receives it: executed on a DefaultHttpContext with the API's own services.</summary>
internal sealed record WireResponse(int Status, string? ContentType, IHeaderDictionary Headers, string BodyText)
{
    public JsonElement Json => JsonDocument.Parse(BodyText).RootElement;

    public string Location => Headers.Location.ToString();

    public T Read<T>() => JsonSerializer.Deserialize<T>(BodyText, JsonSerializerOptions.Web)!;
}

internal static class Wire
{
    private static readonly IServiceProvider Services = new ServiceCollection().AddLogging().AddBackfillApi().BuildServiceProvider();

    public static async Task<WireResponse> OnWireAsync<T>(this Task<T> pending) where T : IResult
    {
        var result = await pending;
        var http = new DefaultHttpContext { RequestServices = Services };
        using var body = new MemoryStream();
        http.Response.Body = body;
        await result.ExecuteAsync(http);
        return new WireResponse(http.Response.StatusCode, http.Response.ContentType, http.Response.Headers, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }
}
