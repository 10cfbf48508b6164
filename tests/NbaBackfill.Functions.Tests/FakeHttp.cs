using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Moq;

namespace NbaBackfill.Functions.Tests;

/// <summary>Minimal HttpRequestData / HttpResponseData for calling HTTP triggers in-process.</summary>
internal sealed class FakeHttpRequest(FunctionContext context, string method, Uri url, string body = "") : HttpRequestData(context)
{
    public override Stream Body { get; } = new MemoryStream(Encoding.UTF8.GetBytes(body));
    public override HttpHeadersCollection Headers { get; } = [];
    public override IReadOnlyCollection<IHttpCookie> Cookies { get; } = [];
    public override Uri Url { get; } = url;
    public override IEnumerable<ClaimsIdentity> Identities { get; } = [];
    public override string Method { get; } = method;

    public override HttpResponseData CreateResponse() => new FakeHttpResponse(FunctionContext);

    public static FakeHttpRequest Create(string method, string url, string body = "") =>
        new(new Mock<FunctionContext>().Object, method, new Uri(url), body);
}

internal sealed class FakeHttpResponse(FunctionContext context) : HttpResponseData(context)
{
    public override HttpStatusCode StatusCode { get; set; }
    public override HttpHeadersCollection Headers { get; set; } = [];
    public override Stream Body { get; set; } = new MemoryStream();
    public override HttpCookies Cookies => throw new NotSupportedException("no cookies in these tests");

    public string Text => Encoding.UTF8.GetString(((MemoryStream)Body).ToArray());
}
