using Microsoft.AspNetCore.Builder;
using NbaBackfill.Warehouse;

namespace NbaBackfill.Cli.Serve;

/// <summary>The dashboard's static page (served without the token; every data call it makes carries it).</summary>
internal static class DashboardEndpoints
{
    public static void Map(WebApplication app, IWarehouse warehouse)
    {
        _ = warehouse;
    }
}
