using System.CommandLine;
using NbaBackfill.Api;
using NbaBackfill.Cli.Serve;
using NbaBackfill.Engines;

namespace NbaBackfill.Cli.Commands;

/// <summary>serve: the HTTP API (and dashboard) of the Functions app, locally, on 127.0.0.1 with a bearer token.</summary>
internal static class ServeCommand
{
    public static Command Create(CliEnvironment env)
    {
        var port = new Option<int>("--port") { Description = "port on 127.0.0.1 (default 7071)", DefaultValueFactory = _ => 7071 };
        var db = CommonOptions.Db();
        var engineOption = new Option<string>("--engine") { Description = "inprocess (default) or azurestorage", DefaultValueFactory = _ => "inprocess" };
        var storage = new Option<string?>("--storage") { Description = "azurestorage: connection string" };
        var taskHub = new Option<string>("--task-hub") { Description = "azurestorage: task hub name", DefaultValueFactory = _ => "nbabackfill" };
        var command = new Command("serve", "Serve the HTTP API and dashboard on 127.0.0.1") { port, db, engineOption, storage, taskHub };
        command.SetAction(async (result, ct) =>
        {
            var p = result.GetValue(port);
            if (p is < 1 or > 65535) throw new UsageException($"--port: {p} is not a port number");
            var engineName = result.GetValue(engineOption)!;
            if (engineName is not ("inprocess" or "azurestorage")) throw new UsageException($"--engine: '{engineName}' is not inprocess or azurestorage");
            var dbPath = CommonOptions.DbPath(result, db, env);
            var settings = NbaSettings.From(env.Variable);
            if (settings.Validate() is { Count: > 0 } invalid) throw new UsageException(invalid[0]);
            var token = LocalApiHost.LoadOrCreateToken(env.Variable, Path.Combine(CommonOptions.WorkDir(dbPath), "api-token"));
            await using var warehouse = await CommonOptions.OpenWarehouseAsync(dbPath, env, ct);
            await using var engine = await new RunCommand.EngineChoice(engineName, result.GetValue(storage), result.GetValue(taskHub)!).StartAsync(env, warehouse, ct);
            await using var host = await LocalApiHost.StartAsync(engine, warehouse, env.Time, settings.ApiOptions, token, p, ct);
            await env.Out.WriteLineAsync($"serving {host.BaseUrl}/api (engine {engine.Name}, {warehouse.Describe})");
            await env.Out.WriteLineAsync($"dashboard: {host.BaseUrl}/#token={token}");
            await env.Out.WriteLineAsync($"token: {token}   e.g. curl -H 'Authorization: Bearer {token}' '{host.BaseUrl}/api/reconciliation?from=2021-10-19&to=2022-04-10'");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: stop serving; the engine and warehouse are disposed in order.
            }
            return ExitCodes.Complete;
        });
        return command;
    }
}
