using System.Security.Cryptography;
using System.Text;
using NbaBackfill.Calendar;
using NbaBackfill.Warehouse.BigQuery.Emulator;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Warehouse.BigQuery.Tests;

/// <summary>A fake BigQuery on loopback and a warehouse on it, signed in with a service-account key the fake trusts.</summary>
public sealed class BigQueryTestbed : IAsyncDisposable
{
    private BigQueryTestbed(FakeBigQueryServer fake, BigQueryWarehouse warehouse)
    {
        Fake = fake;
        Warehouse = warehouse;
    }

    public FakeBigQueryServer Fake { get; }

    public BigQueryWarehouse Warehouse { get; }

    public static BigQueryOptions OptionsFor(FakeBigQueryServer fake, string dataset = "nba") =>
        new(FakeBigQueryServer.Project, dataset)
        {
            Endpoint = fake.BaseUri,
            PollDelay = TimeSpan.FromMilliseconds(2),
            RetryBaseDelay = TimeSpan.FromMilliseconds(2),
        };

    public static async Task<BigQueryTestbed> StartAsync(Func<BigQueryOptions, BigQueryOptions>? configure = null)
    {
        var fake = await FakeBigQueryServer.StartAsync();
        var tokens = await GoogleAccessTokenSource.CreateAsync(fake.ServiceAccountJson());
        var options = (configure ?? (o => o))(OptionsFor(fake));
        var warehouse = await BigQueryWarehouse.OpenAsync(options, tokens, TimeProvider.System);
        return new BigQueryTestbed(fake, warehouse);
    }

    /// <summary>The canonical CSV of every output table on the range, per table (what `export` writes).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ExportAsync(IWarehouse warehouse, DateRange range, IEnumerable<TableSchema> tables)
    {
        var result = new Dictionary<string, string>();
        foreach (var table in tables)
        {
            await using var writer = new StringWriter();
            await CsvExport.WriteAsync(table, await warehouse.ReadAllAsync(table, range, CancellationToken.None), writer);
            result[table.Name] = writer.ToString();
        }
        return result;
    }

    public static string Digest(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    public async ValueTask DisposeAsync()
    {
        await Warehouse.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
