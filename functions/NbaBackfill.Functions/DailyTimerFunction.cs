using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Logging;
using NbaBackfill.Api;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Functions;

/// <summary>Daily processing: the previous game date (and missed ones) through all six processors, as daily-{date}.</summary>
public sealed class DailyTimerFunction(IWarehouse warehouse, TimeProvider time, IOptions<NbaSettings> settings, ILogger<DailyTimerFunction> log)
{
    [Function("DailyBackfill")]
    public async Task Run([TimerTrigger("%" + AppSettings.DailySchedule + "%")] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        var decisions = await new DailyRunner(client, warehouse, time, "functions", settings.Value.DailyCatchUpDays).TickAsync(context.CancellationToken);
        foreach (var d in decisions)
        {
            log.LogInformation("daily {Date:yyyy-MM-dd}: {Action} ({Reason})", d.Date, d.Action, d.Reason);
        }
    }
}
