namespace NbaBackfill.Api;

/// <summary>Every app setting the Functions app reads (infra/ sets exactly these; a test keeps them in step).</summary>
public static class AppSettings
{
    public const string TaskHub = "NBA_TASK_HUB";
    public const string Warehouse = "NBA_WAREHOUSE";
    public const string DuckDbPath = "NBA_DUCKDB_PATH";
    public const string BigQueryProject = "NBA_BIGQUERY_PROJECT";
    public const string BigQueryDataset = "NBA_BIGQUERY_DATASET";
    public const string BigQueryCredentials = "NBA_BIGQUERY_CREDENTIALS";
    public const string BigQueryLocation = "NBA_BIGQUERY_LOCATION";
    public const string BigQueryEndpoint = "NBA_BIGQUERY_ENDPOINT";
    public const string RawContainer = "NBA_RAW_CONTAINER";
    public const string ReportsContainer = "NBA_REPORTS_CONTAINER";
    public const string DailySchedule = "NBA_DAILY_SCHEDULE";
    public const string DailyCatchUpDays = "NBA_DAILY_CATCH_UP_DAYS";
    public const string MaxRangeDays = "NBA_MAX_RANGE_DAYS";
    public const string MaxBodyBytes = "NBA_MAX_BODY_BYTES";

    public static IReadOnlyList<string> All { get; } =
    [
        TaskHub, Warehouse, DuckDbPath, BigQueryProject, BigQueryDataset, BigQueryCredentials, BigQueryLocation, BigQueryEndpoint, RawContainer, ReportsContainer,
        DailySchedule, DailyCatchUpDays, MaxRangeDays, MaxBodyBytes,
    ];

    /// <summary>Read by the code but never set on Azure: the DuckDB warehouse is for local hosts only.</summary>
    public static IReadOnlyList<string> LocalOnly { get; } = [DuckDbPath];

    public const string DefaultDailySchedule = "0 0 11 * * *";
}
