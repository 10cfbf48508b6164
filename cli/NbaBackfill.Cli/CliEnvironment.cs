namespace NbaBackfill.Cli;

/// <summary>What a command may touch of the outside world: injected so tests run commands in-process.</summary>
public sealed record CliEnvironment(TextWriter Out, TextWriter Error, TimeProvider Time, Func<string, string?> Variable)
{
    public bool OutputRedirected { get; init; } = Console.IsOutputRedirected;
}

/// <summary>Bad input from the user: one line on stderr, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

public static class ExitCodes
{
    public const int Complete = 0;
    public const int FinishedWithFailures = 1;
    public const int BadInput = 2;
    public const int PreflightRefused = 3;
    public const int Cancelled = 130;
}
