using NbaBackfill.Warehouse;
using System.Net;
using System.Net.Sockets;
using NbaBackfill.Engines;
using NbaBackfill.Warehouse.DuckDb;

namespace NbaBackfill.TestSupport;

/// <summary>
/// What API, host and engine tests run on: a DuckDB file in a folder of its own holding the bundled season, and an
/// in-process engine over it.
/// </summary>
public sealed class BundledEngine : IAsyncDisposable
{
    private BundledEngine(string dir, DuckDbWarehouse warehouse, SidecarEngine engine)
    {
        Dir = dir;
        Warehouse = warehouse;
        Engine = engine;
    }

    public string Dir { get; }

    public DuckDbWarehouse Warehouse { get; }

    public SidecarEngine Engine { get; }

    public static async Task<BundledEngine> StartAsync(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"nba-{name}-" + Path.GetRandomFileName());
        var warehouse = await DuckDbWarehouse.OpenAsync(Path.Combine(dir, "w.duckdb"));
        await warehouse.ReplaceRawSeasonAsync(Fixtures.BundledSeason, "bundled", Fixtures.Stamp.CreatedAt, CancellationToken.None);
        return new BundledEngine(dir, warehouse, await InProcessEngine.StartAsync(warehouse, TimeProvider.System));
    }

    /// <summary>A loopback port that was free a moment ago (for a host under test).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        await Warehouse.DisposeAsync();
        Directory.Delete(Dir, recursive: true);
    }
}
