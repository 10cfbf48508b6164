using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using NbaBackfill.Api;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Functions;

/// <summary>Daily processing: the previous game date (and missed ones) through all six processors, as daily-{date}.</summary>
public sealed class DailyTimerFunction(IWarehouse warehouse, TimeProvider time, IConfiguration configuration, ILogger<DailyTimerFunction> log)
{
    [Function("DailyBackfill")]
    public async Task Run([TimerTrigger("%" + AppSettings.DailySchedule + "%")] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext context)
    {
        var catchUp = int.TryParse(configuration[AppSettings.DailyCatchUpDays], out var days) ? days : 7;
        var decisions = await new DailyRunner(client, warehouse, time, "functions", catchUp).TickAsync(context.CancellationToken);
        foreach (var d in decisions)
        {
            log.LogInformation("daily {Date:yyyy-MM-dd}: {Action} ({Reason})", d.Date, d.Action, d.Reason);
        }
    }
}
