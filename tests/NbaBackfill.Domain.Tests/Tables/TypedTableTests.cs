using NbaBackfill.Processors;
using NbaBackfill.Tables;

namespace NbaBackfill.Domain.Tests.Tables;

/// <summary>A table declared once: what a row writes is what it reads back, column for column, for every table.</summary>
public sealed class TypedTableTests
{
    private sealed record Sample(string Name, long Id, int? Count, double Score, DateOnly Day, double[] Values) : ITableRow
    {
        public static TableSchema<Sample> Table { get; } = new("samples", c => new Sample(
            c.Str("name", r => r.Name), c.Int64("id", r => r.Id), c.IntOrNull("count", r => r.Count),
            c.Dbl("score", r => r.Score), c.Date("day", r => r.Day), c.Doubles("values", r => r.Values)),
            Key: ["id"], PartitionColumn: "day", Clustering: []);

        public object?[] ToValues() => Table.ToValues(this);
    }

    [Fact]
    public void One_expression_declares_the_columns_in_order_with_their_types_and_nullability()
    {
        Assert.Equal(
            [
                new Column("name", ColumnType.String), new Column("id", ColumnType.Int64), new Column("count", ColumnType.Int64, true),
                new Column("score", ColumnType.Float64), new Column("day", ColumnType.Date), new Column("values", ColumnType.Float64Array),
            ],
            Sample.Table.Schema.Columns);
        var row = new Sample("a", 7, null, 1.5, new DateOnly(2021, 11, 1), [1, 2]);
        Assert.Equal(["a", 7L, null, 1.5, new DateOnly(2021, 11, 1), new double[] { 1, 2 }], row.ToValues());
        var back = Sample.Table.From(new Row(row.ToValues()));
        Assert.Equal(row with { Values = back.Values }, back);
        Assert.Equal(row.Values, back.Values);
    }

    [Fact]
    public void Every_output_row_of_the_season_reads_back_to_the_values_it_wrote()
    {
        foreach (var processor in ProcessorIds.All)
        {
            var table = TableCatalog.OutputOf(processor);
            var rows = BundledPipeline.Result.Rows(table);
            Assert.NotEmpty(rows);
            Assert.All(rows.Take(500), values => Assert.Equal(Csv(values), Csv(ReadBack(processor, values))));
            Assert.All(rows.Take(500), values => Assert.Equal(table.Columns.Count, values.Length));
        }
    }

    [Fact]
    public void The_shared_failure_columns_carry_two_table_names()
    {
        Assert.Equal("analytics_failures", TableCatalog.AnalyticsFailures.Name);
        Assert.Equal("precompute_failures", TableCatalog.PrecomputeFailures.Name);
        Assert.Equal(TableCatalog.AnalyticsFailures.Columns, TableCatalog.PrecomputeFailures.Columns);
    }

    private static object?[] ReadBack(ProcessorId processor, object?[] values)
    {
        var row = new Row(values);
        ITableRow typed = processor.Name switch
        {
            "PGS" => PgsRow.From(row),
            "PSZA" => PszaRow.From(row),
            "TDZA" => TdzaRow.From(row),
            "PCF" => PcfRow.From(row),
            "PDC" => PdcRow.From(row),
            "MLFS" => MlfsRow.From(row),
            _ => throw new ArgumentOutOfRangeException(nameof(processor)),
        };
        return typed.ToValues();
    }

    private static string Csv(object?[] values) => string.Join(",", values.Select(CsvExport.Format));
}
