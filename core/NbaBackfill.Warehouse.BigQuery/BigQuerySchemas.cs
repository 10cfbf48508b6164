using System.Text.Json;
using System.Text.Json.Nodes;
using NbaBackfill.Tables;

namespace NbaBackfill.Warehouse.BigQuery;

/// <summary>
/// The table declarations rendered for BigQuery: field lists (REST `TableSchema`), day partitioning on the date
/// column and clustering, as used by tables.insert and committed under infra/bigquery/.
/// </summary>
public static class BigQuerySchemas
{
    public static string TypeOf(ColumnType type) => type switch
    {
        ColumnType.String or ColumnType.StringArray => "STRING",
        ColumnType.Int64 => "INTEGER",
        ColumnType.Float64 or ColumnType.Float64Array => "FLOAT",
        ColumnType.Bool => "BOOLEAN",
        ColumnType.Date => "DATE",
        ColumnType.Timestamp => "TIMESTAMP",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static string ModeOf(Column column) => column.IsRepeated ? "REPEATED" : column.Nullable ? "NULLABLE" : "REQUIRED";

    /// <summary>The `schema.fields` array (what `bq mk --schema FILE` takes).</summary>
    public static JsonArray Fields(TableSchema table) =>
        new(table.Columns.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["type"] = TypeOf(c.Type), ["mode"] = ModeOf(c) }).ToArray());

    /// <summary>The body of tables.insert for the table in a dataset.</summary>
    public static JsonObject TableResource(string project, string dataset, TableSchema table)
    {
        var resource = new JsonObject
        {
            ["tableReference"] = new JsonObject { ["projectId"] = project, ["datasetId"] = dataset, ["tableId"] = table.Name },
            ["schema"] = new JsonObject { ["fields"] = Fields(table) },
        };
        if (table.PartitionColumn is not null && !table.Columns.First(c => c.Name == table.PartitionColumn).Nullable)
        {
            resource["timePartitioning"] = new JsonObject { ["type"] = "DAY", ["field"] = table.PartitionColumn };
        }
        if (table.Clustering.Count > 0)
        {
            resource["clustering"] = new JsonObject { ["fields"] = new JsonArray(table.Clustering.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray()) };
        }
        return resource;
    }

    /// <summary>The committed file for a table: its fields, partitioning and clustering.</summary>
    public static string File(TableSchema table)
    {
        var resource = TableResource("PROJECT", "DATASET", table);
        resource.Remove("tableReference");
        return resource.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }
}
