using NbaBackfill.Api;
using NbaBackfill.Warehouse;
using NbaBackfill.Warehouse.BigQuery;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Hosting;

/// <summary>
/// Opens the warehouse a host is configured for: DuckDB (a file, the embedded default) or BigQuery
/// (`bigquery://project/dataset`, or NBA_WAREHOUSE=bigquery with NBA_BIGQUERY_* settings). Credentials come from
/// NBA_BIGQUERY_CREDENTIALS (service-account JSON or a key file path) or application default credentials.
/// </summary>
public static class WarehouseConnector
{
    public const string BigQueryScheme = "bigquery://";

    public static bool IsBigQuery(string target) => target.StartsWith(BigQueryScheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>From app settings (the Functions app): NBA_WAREHOUSE picks the adapter.</summary>
    public static Task<IWarehouse> OpenFromSettingsAsync(Func<string, string?> setting, TimeProvider time, CancellationToken ct = default)
    {
        var kind = setting(AppSettings.Warehouse) ?? "duckdb";
        return kind switch
        {
            "duckdb" => OpenTargetAsync(setting(AppSettings.DuckDbPath) ?? Path.Combine(Path.GetTempPath(), "nba-warehouse.duckdb"), setting, time, ct),
            "bigquery" => OpenBigQueryAsync(BigQueryOptions.Parse(setting(AppSettings.BigQueryProject), setting(AppSettings.BigQueryDataset)), setting, time, ct),
            _ => throw new ArgumentException($"{AppSettings.Warehouse}='{kind}' is not a known warehouse (duckdb, bigquery)"),
        };
    }

    /// <summary>From a target (the CLI's --db): a DuckDB file path, or bigquery://project/dataset.</summary>
    public static async Task<IWarehouse> OpenTargetAsync(string target, Func<string, string?> setting, TimeProvider time, CancellationToken ct = default)
    {
        if (!IsBigQuery(target)) return await DuckDbWarehouse.OpenAsync(target, ct);
        var parts = target[BigQueryScheme.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2) throw new ArgumentException($"'{target}' is not bigquery://PROJECT/DATASET");
        return await OpenBigQueryAsync(BigQueryOptions.Parse(parts[0], parts[1]), setting, time, ct);
    }

    private static async Task<IWarehouse> OpenBigQueryAsync(BigQueryOptions options, Func<string, string?> setting, TimeProvider time, CancellationToken ct)
    {
        if (setting(AppSettings.BigQueryLocation) is { Length: > 0 } location) options = options with { Location = location };
        if (setting(AppSettings.BigQueryEndpoint) is { Length: > 0 } endpoint) options = options with { Endpoint = BigQueryOptions.ParseEndpoint(endpoint) };
        var tokens = await GoogleAccessTokenSource.CreateAsync(setting(AppSettings.BigQueryCredentials), ct);
        return await BigQueryWarehouse.OpenAsync(options, tokens, time, ct);
    }
}
