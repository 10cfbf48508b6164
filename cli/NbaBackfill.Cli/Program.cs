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
// SIGTERM (containers, systemd) is Ctrl-C: stop cleanly instead of being killed later with SIGKILL mid-write.
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    if (!cancel.IsCancellationRequested)
    {
        Console.Error.WriteLine("stopping (SIGTERM)…");
        cancel.Cancel();
    }
});
using var telemetry = CliTelemetry.Start(Environment.GetEnvironmentVariable);
return await CliApp.RunAsync(args, new CliEnvironment(Console.Out, Console.Error, TimeProvider.System, Environment.GetEnvironmentVariable), cancel.Token);
