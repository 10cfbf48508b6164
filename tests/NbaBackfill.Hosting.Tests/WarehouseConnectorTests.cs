using NbaBackfill.Api;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.Hosting.Tests;

/// <summary>Which adapter a host's settings or a CLI target open, and what a malformed one says.</summary>
public sealed class WarehouseConnectorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nba-hosting-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Settings_open_duckdb_at_the_configured_path_by_default()
    {
        var path = Path.Combine(_dir, "warehouse.duckdb");
        var settings = new Dictionary<string, string?> { [AppSettings.DuckDbPath] = path };
        await using var warehouse = await WarehouseConnector.OpenFromSettingsAsync(settings.GetValueOrDefault, TimeProvider.System);
        Assert.IsType<DuckDbWarehouse>(warehouse);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task An_unknown_warehouse_setting_is_refused_naming_the_setting_and_the_known_kinds()
    {
        var settings = new Dictionary<string, string?> { [AppSettings.Warehouse] = "snowflake" };
        var e = await Assert.ThrowsAsync<ArgumentException>(() => WarehouseConnector.OpenFromSettingsAsync(settings.GetValueOrDefault, TimeProvider.System));
        Assert.Equal("NBA_WAREHOUSE='snowflake' is not a known warehouse (duckdb, bigquery)", e.Message);
    }

    [Theory]
    [InlineData("bigquery://project-only")]
    [InlineData("bigquery://a/b/c")]
    [InlineData("BIGQUERY://")]
    public async Task A_bigquery_target_must_name_project_and_dataset(string target)
    {
        Assert.True(WarehouseConnector.IsBigQuery(target));
        var e = await Assert.ThrowsAsync<ArgumentException>(() => WarehouseConnector.OpenTargetAsync(target, _ => null, TimeProvider.System));
        Assert.Equal($"'{target}' is not bigquery://PROJECT/DATASET", e.Message);
    }

    [Fact]
    public async Task A_file_target_is_a_duckdb_file()
    {
        var path = Path.Combine(_dir, "bigquery.duckdb"); // the scheme, not the name, picks BigQuery
        Assert.False(WarehouseConnector.IsBigQuery(path));
        await using var warehouse = await WarehouseConnector.OpenTargetAsync(path, _ => null, TimeProvider.System);
        Assert.IsType<DuckDbWarehouse>(warehouse);
    }
}
