using System.Globalization;
using NbaBackfill.Planning;

namespace NbaBackfill.Orchestration;

public static class RunIds
{
    /// <summary>Same range and processors give the same key: the basis of resume and of duplicate detection (409).</summary>
    public static string Key(BackfillRequest r) =>
        string.Create(CultureInfo.InvariantCulture,
            $"bf-{r.From:yyyyMMdd}-{r.To:yyyyMMdd}-{string.Join("", r.Processors.Order().Select(p => p.ToString().ToLowerInvariant()))}");

    /// <summary>The daily run of one game date.</summary>
    public static string Daily(DateOnly date) => string.Create(CultureInfo.InvariantCulture, $"daily-{date:yyyy-MM-dd}");
}
