using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NbaBackfill.Api;
using NbaBackfill.Functions;
using NbaBackfill.Hosting;
using NbaBackfill.Landing;
using NbaBackfill.Orchestration;
using NbaBackfill.Warehouse;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

var builder = FunctionsApplication.CreateBuilder(args);
// HTTP triggers take ASP.NET Core's HttpRequest and run the API's minimal-API handlers (one endpoint table, two hosts).
builder.ConfigureFunctionsWebApplication();
builder.Services.AddBackfillApi();
builder.Services.AddSingleton<EndpointRunner>();
builder.Services.AddSingleton(TimeProvider.System);
// Every setting is validated when the host starts: a bad value stops it with a message naming the setting.
builder.Services.AddNbaSettings();
builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<NbaSettings>>().Value.ApiOptions);
// The warehouse is opened (awaited, not blocked on in a DI factory) before the host starts: a bad warehouse setting
// stops start-up with its message, and the host's functions all share the one instance.
await using var warehouse = await WarehouseConnector.OpenFromSettingsAsync(name => builder.Configuration[name], TimeProvider.System);
builder.Services.AddSingleton(warehouse);
// Run reports go to reports/{run-id}/ of the reports container in the app's storage account.
builder.Services.AddSingleton<IRunReportSink>(sp => new BlobRunReportSink(
    AppStorage.Container(builder.Configuration, sp.GetRequiredService<IOptions<NbaSettings>>().Value.ReportsContainer)));
// The raw landing zone the daily timer ingests from: raw/{season}/{date}/ with a manifest written last.
builder.Services.AddSingleton<NbaBackfill.Raw.IRawLanding>(sp => new BlobRawLanding(
    AppStorage.Container(builder.Configuration, sp.GetRequiredService<IOptions<NbaSettings>>().Value.RawContainer)));
builder.Services.AddSingleton<BackfillActivities>();
// Traces, metrics and logs: the Functions worker's and the product's ("NbaBackfill"), to Application Insights when its
// connection string is set (the Bicep sets it); Durable's own distributed tracing is on in host.json.
var telemetry = builder.Services.AddOpenTelemetry().UseFunctionsWorkerDefaults()
    .WithTracing(t => t.AddSource(NbaTelemetry.Name))
    .WithMetrics(m => m.AddMeter(NbaTelemetry.Name));
if (!string.IsNullOrEmpty(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
{
    telemetry.WithTracing(t => t.AddAzureMonitorTraceExporter()).WithMetrics(m => m.AddAzureMonitorMetricExporter())
        .WithLogging(l => l.AddAzureMonitorLogExporter());
}
await builder.Build().RunAsync();
