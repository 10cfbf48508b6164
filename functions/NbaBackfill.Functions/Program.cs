using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NbaBackfill.Api;
using NbaBackfill.Functions;
using NbaBackfill.Landing;
using NbaBackfill.Orchestration;
using NbaBackfill.Warehouse;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(sp => AppSettings.ApiOptionsFrom(name => builder.Configuration[name]));
builder.Services.AddSingleton<IWarehouse>(_ => WarehouseConnector.OpenFromSettingsAsync(name => builder.Configuration[name], TimeProvider.System).GetAwaiter().GetResult());
// Run reports go to reports/{run-id}/ of the reports container in the app's storage account.
builder.Services.AddSingleton<IRunReportSink>(_ => new BlobRunReportSink(new Azure.Storage.Blobs.BlobContainerClient(
    builder.Configuration["AzureWebJobsStorage"], builder.Configuration[AppSettings.ReportsContainer] ?? "reports")));
builder.Services.AddSingleton<BackfillActivities>();
builder.Build().Run();
