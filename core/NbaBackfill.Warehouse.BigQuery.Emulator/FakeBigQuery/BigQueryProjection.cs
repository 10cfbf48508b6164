namespace NbaBackfill.Warehouse.BigQuery.Emulator;

/// <summary>A batch activity of a run on the fake: its own compute time (its span less its warehouse calls) and its jobs.</summary>
public sealed record ProjectedActivity(double LocalSeconds, IReadOnlyList<string> JobIds);

/// <summary>What a run on the fake would take on BigQuery under a latency model, and what it spends of the quotas.</summary>
/// <param name="WallSeconds">Modelled wall time: the jobs outside batches (planning, finalizing) one after another, then
/// each wave as long as its slowest activity, or as its DML on one table queued two at a time, whichever is longer.</param>
/// <param name="OutsideBatchesSeconds">Of it, the jobs outside batch activities.</param>
public sealed record BigQueryProjection(
    double WallSeconds, double OutsideBatchesSeconds, int Waves, IReadOnlyDictionary<BigQueryJobKind, int> JobsByKind,
    IReadOnlyDictionary<string, int> ModificationsByTable)
{
    public int Jobs => JobsByKind.Values.Sum();

    /// <summary>Pure: the run's waves of activities and the jobs the fake traced, under the model.</summary>
    public static BigQueryProjection Of(
        IReadOnlyList<IReadOnlyList<ProjectedActivity>> waves, IReadOnlyList<BigQueryJobTrace> jobs, BigQueryLatencyModel model,
        IReadOnlyDictionary<string, int> modifications)
    {
        var byId = jobs.ToDictionary(j => j.JobId, StringComparer.Ordinal);
        var inBatches = waves.SelectMany(w => w).SelectMany(a => a.JobIds).ToHashSet(StringComparer.Ordinal);
        var outside = jobs.Where(j => !inBatches.Contains(j.JobId)).Sum(model.Seconds);
        var wall = outside;
        foreach (var wave in waves)
        {
            var slowest = wave.Select(a => a.LocalSeconds + a.JobIds.Where(byId.ContainsKey).Sum(id => model.Seconds(byId[id]))).DefaultIfEmpty(0).Max();
            var queued = wave.SelectMany(a => a.JobIds).Where(byId.ContainsKey).Select(id => byId[id])
                .Where(j => j.Kind is BigQueryJobKind.Dml or BigQueryJobKind.Script && j.Table is not null)
                .GroupBy(j => j.Table!).Select(g => g.Sum(model.Seconds) / model.MutatingDmlPerTable).DefaultIfEmpty(0).Max();
            wall += Math.Max(slowest, queued);
        }
        var kinds = jobs.GroupBy(j => j.Kind).ToDictionary(g => g.Key, g => g.Count());
        return new BigQueryProjection(wall, outside, waves.Count, kinds, modifications);
    }
}
