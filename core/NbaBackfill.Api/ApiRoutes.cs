namespace NbaBackfill.Api;

/// <summary>
/// The API's names and routes, declared once: the endpoint table (<see cref="BackfillEndpoints"/>) and the Functions
/// triggers' attributes both read these constants (attributes need constants), and a test keeps the two in step.
/// </summary>
public static class ApiRoutes
{
    /// <summary>Functions' default route prefix (host.json keeps it), and the local host's route group.</summary>
    public const string Prefix = "api";

    public const string Backfills = "backfills";
    public const string Backfill = "backfills/{id}";
    public const string Terminate = "backfills/{id}/terminate";
    public const string Retry = "backfills/{id}/retry";
    public const string Gaps = "gaps";
    public const string Coverage = "coverage";
    public const string Stale = "stale";
    public const string Runs = "runs";
    public const string Failures = "failures";
    public const string Reconciliation = "reconciliation";

    /// <summary>Endpoint names: the Azure function names and the local host's endpoint names alike.</summary>
    public static class Names
    {
        public const string StartBackfill = nameof(StartBackfill);
        public const string ListBackfills = nameof(ListBackfills);
        public const string GetBackfill = nameof(GetBackfill);
        public const string TerminateBackfill = nameof(TerminateBackfill);
        public const string RetryBackfill = nameof(RetryBackfill);
        public const string Gaps = nameof(Gaps);
        public const string Coverage = nameof(Coverage);
        public const string Stale = nameof(Stale);
        public const string Runs = nameof(Runs);
        public const string Failures = nameof(Failures);
        public const string Reconciliation = nameof(Reconciliation);
    }
}
