using System.Globalization;
using System.Text.Json;
using NbaBackfill.Calendar;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Validation;

namespace NbaBackfill.Api;

public sealed record ApiOptions(int MaxRangeDays = 400, int MaxBodyBytes = 16 * 1024, int MaxParallelLimit = BackfillRules.MaxParallelLimit);

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
            if (root.TryGetProperty("onFailure", out var policy)
                && !BackfillRules.TryParseName(BackfillRules.OnFailureNames, policy.ValueKind == JsonValueKind.String ? policy.GetString() : policy.ToString(), out onFailure, out var rule))
            {
                errors.Add(new FieldError("onFailure", rule));
            }
            var maxParallel = Int(root, "maxParallel", BackfillRules.DefaultMaxParallel, errors);
            var batchSize = Int(root, "batchSize", BackfillRules.DefaultBatchSize, errors);
            var dryRun = Bool(root, "dryRun", errors);
            var skipPreflight = Bool(root, "skipPreflight", errors);
            var force = Bool(root, "force", errors);
            if (from is null || to is null) return (null, errors);
            var request = new BackfillRequest(from.Value, to.Value, processors.Distinct().Order().ToList(), onFailure, maxParallel, batchSize,
                skipPreflight ? PreflightMode.Skip : PreflightMode.Add, Force: force);
            // The request's rules are the domain's, the same the CLI checks; only the syntax above is the API's.
            errors.AddRange(BackfillRules.Check(request, options.MaxRangeDays, options.MaxParallelLimit).Select(ToFieldError));
            return errors.Count > 0 ? (null, errors) : (new Parsed(request, dryRun), errors);
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

    /// <summary>A rule violation under the field's JSON name (<c>maxParallel</c>).</summary>
    public static FieldError ToFieldError(RuleViolation violation) =>
        new(JsonNamingPolicy.CamelCase.ConvertName(violation.Field.ToString()), violation.Rule);

    private static int Int(JsonElement root, string field, int fallback, List<FieldError> errors)
    {
        if (!root.TryGetProperty(field, out var value)) return fallback;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)) return n;
        errors.Add(new FieldError(field, "must be a whole number"));
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
    public static DateRange? QueryRange(string? from, string? to, ApiOptions options, List<FieldError> errors)
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
        var broken = BackfillRules.CheckRange(f.Value, t.Value, options.MaxRangeDays);
        errors.AddRange(broken.Select(ToFieldError));
        return broken.Count > 0 ? null : new DateRange(f.Value, t.Value);
    }
}
