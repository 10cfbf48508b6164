using NbaBackfill.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl-C: stop cleanly (writes are transactions; the run can be resumed). Second: default kill.
    if (!cancel.IsCancellationRequested)
    {
        e.Cancel = true;
        Console.Error.WriteLine("stopping… (Ctrl-C again to kill)");
        cancel.Cancel();
    }
};
return await CliApp.RunAsync(args, new CliEnvironment(Console.Out, Console.Error, TimeProvider.System, Environment.GetEnvironmentVariable), cancel.Token);
