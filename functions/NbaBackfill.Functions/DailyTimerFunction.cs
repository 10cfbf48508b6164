using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using NbaBackfill.Api;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Functions;

/// <summary>
/// Daily processing: ingest the dates landed or re-landed in the raw container within the catch-up window, then run
/// every stale or never-run node of the window (daily-{date}).
/// </summary>
public sealed class DailyTimerFunction(IWarehouse warehouse, TimeProvider time, IOptions<NbaSettings> settings, NbaBackfill.Raw.IRawLanding landing, ILogger<DailyTimerFunction> log)
{
    [Function("DailyBackfill")]
    public async Task RunAsync([TimerTrigger("%" + AppSettings.DailySchedule + "%")] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        var tick = await new DailyRunner(client, warehouse, time, "functions", settings.Value.DailyCatchUpDays, landing).TickWithIngestAsync(context.CancellationToken);
        foreach (var d in tick.Ingest.Ingested) log.LogInformation("daily: ingested {Season} {Date:yyyy-MM-dd}", d.Season, d.Date);
        foreach (var (d, error) in tick.Ingest.Skipped) log.LogWarning("daily: not ingested {Season} {Date:yyyy-MM-dd}: {Error}", d.Season, d.Date, error);
        foreach (var d in tick.Decisions)
        {
            log.LogInformation("daily {Date:yyyy-MM-dd}: {Action} ({Reason})", d.Date, d.Action, d.Reason);
        }
    }
}
