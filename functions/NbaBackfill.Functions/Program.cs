using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NbaBackfill.Api;
using NbaBackfill.Landing;
using NbaBackfill.Orchestration;
using NbaBackfill.Warehouse;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddSingleton(TimeProvider.System);
// Every setting is validated when the host starts: a bad value stops it with a message naming the setting.
builder.Services.AddNbaSettings();
builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<NbaSettings>>().Value.ApiOptions);
builder.Services.AddSingleton<IWarehouse>(_ => WarehouseConnector.OpenFromSettingsAsync(name => builder.Configuration[name], TimeProvider.System).GetAwaiter().GetResult());
// Run reports go to reports/{run-id}/ of the reports container in the app's storage account.
builder.Services.AddSingleton<IRunReportSink>(sp => new BlobRunReportSink(new Azure.Storage.Blobs.BlobContainerClient(
    builder.Configuration["AzureWebJobsStorage"], sp.GetRequiredService<IOptions<NbaSettings>>().Value.ReportsContainer)));
builder.Services.AddSingleton<BackfillActivities>();
builder.Build().Run();
