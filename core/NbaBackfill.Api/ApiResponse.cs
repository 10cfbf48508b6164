using System.Text.Json;
using System.Text.Json.Serialization;

namespace NbaBackfill.Api;

/// <summary>A host-agnostic HTTP response: status, JSON body, content type, headers.</summary>
public sealed record ApiResponse(int Status, object? Body, string ContentType = "application/json", IReadOnlyDictionary<string, string>? Headers = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public string BodyText => Body is null ? "" : JsonSerializer.Serialize(Body, Json);

    public static ApiResponse Ok(object body) => new(200, body);

    public static ApiResponse Problem(int status, string title, string detail, IReadOnlyList<FieldError>? errors = null) =>
        new(status, new ProblemDetails($"https://httpstatuses.io/{status}", title, status, detail, errors), "application/problem+json");

    public static ApiResponse BadRequest(IReadOnlyList<FieldError> errors) =>
        Problem(400, "Invalid request", string.Join("; ", errors.Select(e => $"{e.Field}: {e.Rule}")), errors);

    public static ApiResponse NotFound(string what) => Problem(404, "Not found", what);
}

/// <summary>RFC 9457 problem details, with the field and rule of every error.</summary>
public sealed record ProblemDetails(string Type, string Title, int Status, string Detail, IReadOnlyList<FieldError>? Errors, string? Instance = null)
{
    /// <summary>On a 409: the active runs that hold the requested nodes.</summary>
    public IReadOnlyList<ConflictDetail>? Conflicts { get; init; }
}

/// <summary>One active run a start overlaps: its id, the shared processors and dates, and its own routes.</summary>
public sealed record ConflictDetail(string RunningId, IReadOnlyList<string> Processors, DateOnly From, DateOnly To, ManagementPayload Links);

public sealed record FieldError(string Field, string Rule);

/// <summary>Management URIs built on this API's own routes (the local host, and tests outside Functions).</summary>
public static class ManagementPayloads
{
    public static ManagementPayload FromRoutes(string baseUrl, string id)
    {
        var b = baseUrl.TrimEnd('/') + "/api/backfills/" + Uri.EscapeDataString(id);
        return new ManagementPayload(id, b, b + "/terminate", b + "/retry");
    }
}

public static class RequestBody
{
    /// <summary>Reads at most <paramref name="limit"/> bytes: an oversized body is refused without buffering it all.</summary>
    public static async Task<byte[]> ReadLimitedAsync(Stream body, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0 && buffer.Length <= limit)
        {
            await buffer.WriteAsync(chunk.AsMemory(0, read), ct);
        }
        return buffer.ToArray();
    }
}
