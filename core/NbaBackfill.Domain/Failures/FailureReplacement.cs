namespace NbaBackfill.Failures;

/// <summary>
/// Re-run semantics for one processor's failures on a set of dates. The result replaces every UNRESOLVED failure of
/// those dates: an identical failure keeps its original record (so a re-run is byte-identical), a failure whose entity
/// now has a row becomes RESOLVED, any other old failure is replaced by the new one. Nothing is appended twice.
/// </summary>
public static class FailureReplacement
{
    public static IReadOnlyList<FailureRecord> Merge(
        IReadOnlyList<FailureRecord> existingUnresolved,
        IReadOnlyList<FailureRecord> fresh,
        IReadOnlySet<(DateOnly Date, string EntityId)> entitiesWithRows,
        DateTimeOffset now)
    {
        var result = new List<FailureRecord>(fresh.Count + existingUnresolved.Count);
        var existingByKey = existingUnresolved
            .GroupBy(f => (f.AnalysisDate, f.EntityId))
            .ToDictionary(g => g.Key, g => g.ToList());
        foreach (var failure in fresh)
        {
            var key = (failure.AnalysisDate, failure.EntityId);
            var kept = existingByKey.TryGetValue(key, out var olds) ? olds.FirstOrDefault(o => o.SameAs(failure)) : null;
            if (kept is not null)
            {
                olds!.Remove(kept);
            }
            result.Add(kept ?? failure);
        }
        foreach (var old in existingByKey.Values.SelectMany(v => v))
        {
            if (entitiesWithRows.Contains((old.AnalysisDate, old.EntityId)))
            {
                result.Add(old with { ResolutionStatus = ResolutionStatus.Resolved, ResolvedAt = now });
            }
        }
        return result;
    }
}
