using NbaBackfill.Calendar;
using NbaBackfill.Planning;

namespace NbaBackfill.Validation;

/// <summary>A field of a backfill request, named by each surface its own way (<c>maxParallel</c>, <c>--max-parallel</c>).</summary>
public enum RequestField
{
    To,
    Processors,
    MaxParallel,
    BatchSize,
}

/// <summary>One broken rule of a request: which field, and the rule in words.</summary>
public sealed record RuleViolation(RequestField Field, string Rule);

/// <summary>
/// The rules of a backfill request, written once: the HTTP API and the CLI parse their own syntax (JSON, options) and
/// both check the result here, so a request is refused the same way wherever it comes from.
/// </summary>
public static class BackfillRules
{
    public const int DefaultMaxParallel = 4;
    public const int MaxParallelLimit = 64;
    public const int DefaultBatchSize = 200;
    public const int MaxBatchSize = 400;

    /// <summary>The words of the failure policies, as both surfaces take them.</summary>
    public static IReadOnlyDictionary<string, OnFailure> OnFailureNames { get; } =
        new Dictionary<string, OnFailure>(StringComparer.Ordinal) { ["stop"] = OnFailure.Stop, ["continue"] = OnFailure.Continue };

    /// <summary>The words of the pre-flight modes (<c>skip</c> is its own switch on both surfaces).</summary>
    public static IReadOnlyDictionary<string, PreflightMode> PreflightNames { get; } =
        new Dictionary<string, PreflightMode>(StringComparer.Ordinal) { ["add"] = PreflightMode.Add, ["refuse"] = PreflightMode.Refuse };

    /// <param name="maxRangeDays">The longest range allowed (the API's bound); null: any.</param>
    /// <param name="maxParallelLimit">The most activities at once a host allows.</param>
    public static IReadOnlyList<RuleViolation> Check(BackfillRequest request, int? maxRangeDays = null, int maxParallelLimit = MaxParallelLimit)
    {
        var violations = CheckRange(request.From, request.To, maxRangeDays).ToList();
        if (request.Processors.Count == 0) violations.Add(new RuleViolation(RequestField.Processors, "names no processor"));
        if (request.MaxParallel < 1 || request.MaxParallel > maxParallelLimit)
        {
            violations.Add(new RuleViolation(RequestField.MaxParallel, $"{request.MaxParallel} is not between 1 and {maxParallelLimit}"));
        }
        if (request.BatchSize is < 1 or > MaxBatchSize)
        {
            violations.Add(new RuleViolation(RequestField.BatchSize, $"{request.BatchSize} is not between 1 and {MaxBatchSize}"));
        }
        return violations;
    }

    /// <summary>A date range: in order, and no longer than <paramref name="maxRangeDays"/> when given.</summary>
    public static IReadOnlyList<RuleViolation> CheckRange(DateOnly from, DateOnly to, int? maxRangeDays = null) =>
        to < from ? [new RuleViolation(RequestField.To, $"{DateRange.Format(to)} is before from {DateRange.Format(from)}")]
        : maxRangeDays is { } days && to.DayNumber - from.DayNumber + 1 > days ? [new RuleViolation(RequestField.To, $"range longer than {days} days")]
        : [];

    /// <summary>A word of <paramref name="names"/>, or the rule it breaks.</summary>
    public static bool TryParseName<T>(IReadOnlyDictionary<string, T> names, string? text, out T value, out string rule)
    {
        if (text is not null && names.TryGetValue(text, out value!))
        {
            rule = "";
            return true;
        }
        value = default!;
        rule = $"{Identifiers.Quote(text ?? "")} is not {string.Join(" or ", names.Keys)}";
        return false;
    }
}
