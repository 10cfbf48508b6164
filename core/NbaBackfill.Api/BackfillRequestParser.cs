using System.Globalization;
using System.Text.Json;
using NbaBackfill.Calendar;
using NbaBackfill.Planning;
using NbaBackfill.Processors;

namespace NbaBackfill.Api;

public sealed record ApiOptions(int MaxRangeDays = 400, int MaxBodyBytes = 16 * 1024, int MaxParallelLimit = 64);

/// <summary>
/// Validates a POST /api/backfills body. Every problem names its field and rule; nothing is started unless the
/// request is entirely valid.
/// </summary>
public static class BackfillRequestParser
{
    private static readonly HashSet<string> Known = ["from", "to", "processors", "onFailure", "maxParallel", "batchSize", "dryRun", "skipPreflight", "force"];

    public sealed record Parsed(BackfillRequest Request, bool DryRun);

    public static (Parsed? Request, IReadOnlyList<FieldError> Errors) Parse(ReadOnlySpan<byte> body, ApiOptions options)
    {
        var errors = new List<FieldError>();
        if (body.Length > options.MaxBodyBytes) return (null, [new FieldError("body", $"larger than {options.MaxBodyBytes} bytes")]);
        if (body.IsEmpty) return (null, [new FieldError("body", "required: a JSON object")]);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException e)
        {
            return (null, [new FieldError("body", $"malformed JSON ({e.Message.Split('.')[0]})")]);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, [new FieldError("body", "must be a JSON object")]);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in root.EnumerateObject())
            {
                // JsonDocument keeps duplicates and TryGetProperty takes the last: refuse them instead of guessing.
                if (!seen.Add(p.Name)) errors.Add(new FieldError(p.Name, "given more than once"));
                else if (!Known.Contains(p.Name)) errors.Add(new FieldError(p.Name, $"unknown field (known: {string.Join(", ", Known)})"));
            }
            var from = Date(root, "from", errors);
            var to = Date(root, "to", errors);
            if (from is not null && to is not null)
            {
                if (to < from) errors.Add(new FieldError("to", "must not be before from"));
                else if (to.Value.DayNumber - from.Value.DayNumber + 1 > options.MaxRangeDays)
                    errors.Add(new FieldError("to", $"range longer than {options.MaxRangeDays} days"));
            }
            var processors = ProcessorIds.All.ToList();
            if (root.TryGetProperty("processors", out var list))
            {
                if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
                {
                    errors.Add(new FieldError("processors", "must be a non-empty array of processor ids"));
                }
                else
                {
                    processors = [];
                    foreach (var item in list.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.String && ProcessorIds.TryParse(item.GetString()!, out var id)) processors.Add(id);
                        else errors.Add(new FieldError("processors", $"unknown processor {Validation.Identifiers.Quote(item.ToString())} (known: {string.Join(", ", ProcessorIds.All)})"));
                    }
                }
            }
            var onFailure = OnFailure.Stop;
            if (root.TryGetProperty("onFailure", out var policy))
            {
                switch (policy.ValueKind == JsonValueKind.String ? policy.GetString() : null)
                {
                    case "stop": onFailure = OnFailure.Stop; break;
                    case "continue": onFailure = OnFailure.Continue; break;
                    default: errors.Add(new FieldError("onFailure", "must be \"stop\" or \"continue\"")); break;
                }
            }
            var maxParallel = Int(root, "maxParallel", 4, 1, options.MaxParallelLimit, errors);
            var batchSize = Int(root, "batchSize", 200, 1, 400, errors);
            var dryRun = Bool(root, "dryRun", errors);
            var skipPreflight = Bool(root, "skipPreflight", errors);
            var force = Bool(root, "force", errors);
            if (errors.Count > 0) return (null, errors);
            var request = new BackfillRequest(from!.Value, to!.Value, processors.Distinct().Order().ToList(), onFailure, maxParallel, batchSize,
                skipPreflight ? PreflightMode.Skip : PreflightMode.Add, Force: force);
            return (new Parsed(request, dryRun), errors);
        }
    }

    public static DateOnly? Date(JsonElement root, string field, List<FieldError> errors)
    {
        if (!root.TryGetProperty(field, out var value))
        {
            errors.Add(new FieldError(field, "required (YYYY-MM-DD)"));
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add(new FieldError(field, $"not a date in YYYY-MM-DD form: a JSON {value.ValueKind.ToString().ToLowerInvariant()}, not a string"));
            return null;
        }
        if (DateRange.TryParseDate(value.GetString(), out var date, out var error)) return date;
        errors.Add(new FieldError(field, error));
        return null;
    }

    private static int Int(JsonElement root, string field, int fallback, int min, int max, List<FieldError> errors)
    {
        if (!root.TryGetProperty(field, out var value)) return fallback;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= min && n <= max) return n;
        errors.Add(new FieldError(field, $"must be a whole number from {min} to {max}"));
        return fallback;
    }

    private static bool Bool(JsonElement root, string field, List<FieldError> errors)
    {
        if (!root.TryGetProperty(field, out var value)) return false;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) return value.GetBoolean();
        errors.Add(new FieldError(field, "must be true or false"));
        return false;
    }

    /// <summary>Query-string dates for the read endpoints.</summary>
    public static (DateOnly From, DateOnly To)? QueryRange(string? from, string? to, ApiOptions options, List<FieldError> errors)
    {
        DateOnly? Parse(string? text, string field)
        {
            if (string.IsNullOrEmpty(text)) { errors.Add(new FieldError(field, "required (YYYY-MM-DD)")); return null; }
            if (DateRange.TryParseDate(text, out var d, out var error)) return d;
            errors.Add(new FieldError(field, error));
            return null;
        }
        var f = Parse(from, "from");
        var t = Parse(to, "to");
        if (f is null || t is null) return null;
        if (t < f) { errors.Add(new FieldError("to", "must not be before from")); return null; }
        if (t.Value.DayNumber - f.Value.DayNumber + 1 > options.MaxRangeDays) { errors.Add(new FieldError("to", $"range longer than {options.MaxRangeDays} days")); return null; }
        return (f.Value, t.Value);
    }
}
