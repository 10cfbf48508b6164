using NbaBackfill.Api;
using NbaBackfill.Warehouse;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Functions;

/// <summary>Opens the warehouse the app settings name.</summary>
internal static class WarehouseFactory
{
    public static async Task<IWarehouse> OpenAsync(Func<string, string?> setting)
    {
        var kind = setting(AppSettings.Warehouse) ?? "duckdb";
        return kind switch
        {
            "duckdb" => await DuckDbWarehouse.OpenAsync(setting(AppSettings.DuckDbPath) ?? Path.Combine(Path.GetTempPath(), "nba-warehouse.duckdb")),
            _ => throw new InvalidOperationException($"{AppSettings.Warehouse}='{kind}' is not a known warehouse (duckdb)"),
        };
    }
}
