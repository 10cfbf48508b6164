using System.Text.Json;
using NbaBackfill.Processors;
using NbaBackfill.Tables;

namespace NbaBackfill.Warehouse.BigQuery.Tests;

public class BigQuerySchemasTests
{
    [Fact]
    public void Committed_schema_files_match_the_declarations_in_code()
    {
        var dir = Path.Combine(RepoPaths.Root, "infra", "bigquery");
        Assert.Equal(TableCatalog.All.Select(t => t.Name + ".json").Order(StringComparer.Ordinal),
            Directory.GetFiles(dir, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var table in TableCatalog.All)
        {
            Assert.Equal(BigQuerySchemas.File(table), File.ReadAllText(Path.Combine(dir, table.Name + ".json")));
        }
    }

    [Theory]
    [InlineData("PGS", "game_date", "player_id")]
    [InlineData("PSZA", "analysis_date", "player_id")]
    [InlineData("TDZA", "analysis_date", "team_abbr")]
    [InlineData("PCF", "game_date", "player_id")]
    [InlineData("PDC", "cache_date", "player_id")]
    [InlineData("MLFS", "game_date", "player_id")]
    public void Outputs_are_day_partitioned_on_their_date_and_clustered_by_entity(string name, string partition, string cluster)
    {
        var processor = ProcessorIds.Parse(name);
        var resource = BigQuerySchemas.TableResource("p", "d", TableCatalog.OutputOf(processor));
        Assert.Equal("DAY", resource["timePartitioning"]!["type"]!.GetValue<string>());
        Assert.Equal(partition, resource["timePartitioning"]!["field"]!.GetValue<string>());
        Assert.Equal(cluster, resource["clustering"]!["fields"]![0]!.GetValue<string>());
        Assert.Equal(TableCatalog.OutputOf(processor).Name, resource["tableReference"]!["tableId"]!.GetValue<string>());
    }

    [Fact]
    public void Types_and_modes_follow_the_columns()
    {
        using var doc = JsonDocument.Parse(BigQuerySchemas.File(MlfsRow.Schema));
        var fields = doc.RootElement.GetProperty("schema").GetProperty("fields").EnumerateArray()
            .ToDictionary(f => f.GetProperty("name").GetString()!, f => (f.GetProperty("type").GetString(), f.GetProperty("mode").GetString()));
        Assert.Equal(("FLOAT", "REPEATED"), fields["features"]);
        Assert.Equal(("STRING", "REPEATED"), fields["feature_names"]);
        Assert.Equal(("INTEGER", "REQUIRED"), fields["player_id"]);
        Assert.Equal(("DATE", "REQUIRED"), fields["game_date"]);
        // Failure timestamps: resolved_at is nullable, created_at is not.
        using var failures = JsonDocument.Parse(BigQuerySchemas.File(TableCatalog.PrecomputeFailures));
        var f = failures.RootElement.GetProperty("schema").GetProperty("fields").EnumerateArray().ToDictionary(x => x.GetProperty("name").GetString()!, x => x.GetProperty("mode").GetString());
        Assert.Equal(("NULLABLE", "REQUIRED"), (f["resolved_at"], f["created_at"]));
    }
}
