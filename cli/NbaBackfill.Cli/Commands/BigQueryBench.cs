using System.Diagnostics;
using System.Globalization;
using System.Text;
using NbaBackfill.Calendar;
using NbaBackfill.Landing;
using NbaBackfill.Orchestration;
using NbaBackfill.Planning;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Reconciliation;
using NbaBackfill.Warehouse;
using NbaBackfill.Warehouse.BigQuery;
using NbaBackfill.Warehouse.BigQuery.Emulator;

namespace NbaBackfill.Cli.Commands;

/// <summary>
/// bench --warehouse fake-bigquery: the orchestrated backfill of N synthetic seasons on the fake BigQuery at each
/// parallelism, its jobs traced and projected onto BigQuery with <see cref="BigQueryLatencyModel.Realistic"/>: modelled
/// wall time, jobs by kind, and table modifications against the daily quota.
/// </summary>
internal static class BigQueryBench
{
    public sealed record Result(
        string Phase, int Seasons, int MaxParallel, int BatchSize, double MeasuredSeconds, double ModelledSeconds, double OutsideBatchesSeconds, int Waves,
        int Activities, IReadOnlyDictionary<BigQueryJobKind, int> Jobs, IReadOnlyDictionary<string, int> Modifications, int Rows, bool ReconciliationClean);

    public static string PhaseName(int seasons, int parallel, int batchSize) => $"bigquery-{seasons}-{parallel}-{batchSize}";

    public static bool TryParsePhase(string phase, out int seasons, out int parallel, out int batchSize)
    {
        (seasons, parallel, batchSize) = (0, 0, 0);
        var parts = phase.Split('-');
        return parts.Length == 4 && parts[0] == "bigquery"
            && int.TryParse(parts[1], CultureInfo.InvariantCulture, out seasons) && int.TryParse(parts[2], CultureInfo.InvariantCulture, out parallel)
            && int.TryParse(parts[3], CultureInfo.InvariantCulture, out batchSize);
    }

    public static async Task<Result> RunPhaseAsync(string phase, string seasonDir, TimeProvider time, CancellationToken ct)
    {
        if (!TryParsePhase(phase, out var seasons, out var parallel, out var batchSize)) throw new UsageException($"unknown bench phase '{phase}'");
        await using var fake = await FakeBigQueryServer.StartAsync(analyze: false);
        // The projection reports the quota rather than stopping at it: a run over it is what the table must show.
        fake.Store.ModificationLimit = int.MaxValue;
        var options = new BigQueryOptions(FakeBigQueryServer.Project, "nba")
        {
            Endpoint = fake.BaseUri, PollDelay = TimeSpan.FromMilliseconds(2), RetryBaseDelay = TimeSpan.FromMilliseconds(2),
        };
        await using var warehouse = await BigQueryWarehouse.OpenAsync(options, await GoogleAccessTokenSource.CreateAsync(fake.ServiceAccountJson(), ct), time, ct);
        var season = SeasonParser.Parse(new FolderRawSource(seasonDir));
        await warehouse.ReplaceRawSeasonAsync(season, seasonDir, time.GetUtcNow(), ct);
        var range = await BenchCommand.LoadShiftedCopiesAsync(warehouse, season, seasons, seasonDir, time, ct);
        var before = fake.Jobs.Select(j => j.JobId).ToHashSet(StringComparer.Ordinal);
        fake.Store.StartNewDay();

        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == NbaTelemetry.Name,
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) spans.Add(a); },
        };
        ActivitySource.AddActivityListener(listener);
        var watch = Stopwatch.StartNew();
        var outcome = await BenchCommand.OrchestrateAsync(
            warehouse, new BackfillRequest(range.From, range.To, ProcessorIds.All, MaxParallel: parallel, BatchSize: batchSize), time, ct);
        var measured = watch.Elapsed.TotalSeconds;

        var jobs = fake.Jobs.Where(j => !before.Contains(j.JobId)).ToList();
        // Staging tables are written once each (a load) and dropped: the quota that binds is the real tables'.
        var modifications = fake.Store.Modifications.Where(m => !m.Key.Contains("._staging_", StringComparison.Ordinal)).ToDictionary();
        var projection = BigQueryProjection.Of(Waves(spans), jobs, BigQueryLatencyModel.Realistic, modifications);
        var report = await ReconciliationReader.ReconcileAsync(warehouse, range, ProcessorIds.All, ct);
        return new Result(phase, seasons, parallel, batchSize, Math.Round(measured, 2), Math.Round(projection.WallSeconds, 1), Math.Round(projection.OutsideBatchesSeconds, 1),
            projection.Waves, outcome.Progress.Activities, projection.JobsByKind, projection.ModificationsByTable,
            report.Sum(r => r.Totals.HasRecord), report.All(r => r.Totals.IsClean));
    }

    /// <summary>The run's waves, each its batch activities with their own compute time and their jobs, from the spans.</summary>
    internal static IReadOnlyList<IReadOnlyList<ProjectedActivity>> Waves(IReadOnlyList<Activity> spans)
    {
        var children = spans.ToLookup(s => s.ParentSpanId);
        return spans.Where(s => s.OperationName == "backfill.wave").OrderBy(w => w.StartTimeUtc)
            .Select(w => (IReadOnlyList<ProjectedActivity>)children[w.SpanId].Where(a => a.OperationName == "backfill.activity").Select(a =>
            {
                var calls = children[a.SpanId].Where(c => c.OperationName.StartsWith("warehouse.", StringComparison.Ordinal)).ToList();
                var local = Math.Max(0, (a.Duration - TimeSpan.FromTicks(calls.Sum(c => c.Duration.Ticks))).TotalSeconds);
                var ids = calls.SelectMany(c => (c.GetTagItem("bigquery.job_ids") as string)?.Split(',') ?? []).ToList();
                return new ProjectedActivity(local, ids);
            }).ToList()).ToList();
    }

    public static string Render(IReadOnlyList<Result> results)
    {
        var model = BigQueryLatencyModel.Realistic;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"model (assumed; sources in BigQueryLatencyModel): query {model.Query.FixedSeconds} s + {model.Query.SecondsPerMiB} s/MiB, DML {model.DmlStatement.FixedSeconds} s per statement, load {model.Load.FixedSeconds} s + {model.Load.SecondsPerMiB} s/MiB, page {model.RoundTripSeconds} s, {model.MutatingDmlPerTable} mutating DML per table at once");
        sb.AppendLine("| seasons | max parallel | batch size | modelled on BigQuery | of it outside batches | waves | activities | query jobs | DML jobs | load jobs | busiest table: modifications (quota 1,500/day) | measured on the fake | reconciliation |");
        sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|");
        foreach (var r in results)
        {
            var busiest = r.Modifications.OrderByDescending(m => m.Value).FirstOrDefault();
            var over = busiest.Value > model.TableModificationsPerDay ? " OVER" : "";
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Seasons} | {r.MaxParallel} | {r.BatchSize} | {Minutes(r.ModelledSeconds)} | {Minutes(r.OutsideBatchesSeconds)} | {r.Waves} | {r.Activities} | {r.Jobs.GetValueOrDefault(BigQueryJobKind.Query)} | " +
                $"{r.Jobs.GetValueOrDefault(BigQueryJobKind.Dml) + r.Jobs.GetValueOrDefault(BigQueryJobKind.Script)} | {r.Jobs.GetValueOrDefault(BigQueryJobKind.Load)} | " +
                $"{busiest.Key}: {busiest.Value}{over} | {r.MeasuredSeconds:0.0} s | {(r.ReconciliationClean ? "clean" : "NOT clean")} |");
        }
        return sb.ToString().TrimEnd();
    }

    private static string Minutes(double seconds) => seconds >= 120
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.0} min")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s");
}
