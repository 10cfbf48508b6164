using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NbaBackfill.Api;
using NbaBackfill.Functions;
using NbaBackfill.Orchestration;
using NbaBackfill.Warehouse;

var builder = FunctionsApplication.CreateBuilder(args);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(sp => AppSettings.ApiOptionsFrom(name => builder.Configuration[name]));
builder.Services.AddSingleton<IWarehouse>(_ => WarehouseFactory.OpenAsync(name => builder.Configuration[name]).GetAwaiter().GetResult());
builder.Services.AddSingleton<BackfillActivities>();
builder.Build().Run();
