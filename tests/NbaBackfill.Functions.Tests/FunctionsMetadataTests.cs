using System.Text.Json;

namespace NbaBackfill.Functions.Tests;

/// <summary>The built app's functions.metadata: every function and its bindings, as the Functions host will load them.</summary>
public class FunctionsMetadataTests
{
    private static readonly string Output = Path.Combine(RepoPaths.Root, "functions", "NbaBackfill.Functions", "bin",
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name, "net10.0");

    private static Dictionary<string, JsonElement[]> Functions()
    {
        var path = Path.Combine(Output, "functions.metadata");
        Assert.True(File.Exists(path), $"build the functions project first: {path}");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => f.GetProperty("bindings").EnumerateArray().Select(b => b.Clone()).ToArray());
    }

    [Fact]
    public void Orchestrator_and_every_activity_have_their_triggers()
    {
        var functions = Functions();
        Assert.Equal("orchestrationTrigger", Assert.Single(functions["BackfillOrchestrator"]).GetProperty("type").GetString());
        foreach (var activity in new[] { "PlanBackfill", "ProcessBatch", "RecordNodeFailures", "FinalizeRun" })
        {
            Assert.Equal("activityTrigger", Assert.Single(functions[activity]).GetProperty("type").GetString());
        }
    }

    public static TheoryData<string> Endpoints => new(Api.BackfillEndpoints.All.Select(e => e.Name));

    /// <summary>Each endpoint of the one table is a Functions trigger with the same route and method.</summary>
    [Theory]
    [MemberData(nameof(Endpoints))]
    public void Http_routes_methods_auth_and_durable_client(string name)
    {
        var endpoint = Api.BackfillEndpoints.Named(name);
        var bindings = Functions()[name];
        var http = Assert.Single(bindings, b => b.GetProperty("type").GetString() == "httpTrigger");
        Assert.Equal(endpoint.Route, http.GetProperty("route").GetString());
        Assert.Equal([endpoint.Method.ToLowerInvariant()], http.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("Function", http.GetProperty("authLevel").GetString());
        Assert.Single(bindings, b => b.GetProperty("type").GetString() == "durableClient");
        Assert.Single(bindings, b => b.GetProperty("type").GetString() == "http" && b.GetProperty("direction").GetString() == "Out");
    }

    [Fact]
    public void The_http_triggers_are_exactly_the_endpoint_table()
    {
        var triggers = Functions().Where(f => f.Value.Any(b => b.GetProperty("type").GetString() == "httpTrigger")).Select(f => f.Key);
        Assert.Equal(Api.BackfillEndpoints.All.Select(e => e.Name).Order(StringComparer.Ordinal), triggers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Daily_timer_reads_its_schedule_from_settings_and_has_a_durable_client()
    {
        var bindings = Functions()["DailyBackfill"];
        Assert.Equal("%NBA_DAILY_SCHEDULE%", Assert.Single(bindings, b => b.GetProperty("type").GetString() == "timerTrigger").GetProperty("schedule").GetString());
        Assert.Single(bindings, b => b.GetProperty("type").GetString() == "durableClient");
        Assert.Equal(17, Functions().Count);
    }

    [Fact]
    public void Host_json_is_the_repo_roots_and_names_the_hub_from_a_setting()
    {
        var copied = File.ReadAllText(Path.Combine(Output, "host.json"));
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")), copied);
        using var doc = JsonDocument.Parse(copied);
        var durable = doc.RootElement.GetProperty("extensions").GetProperty("durableTask");
        Assert.Equal("%NBA_TASK_HUB%", durable.GetProperty("hubName").GetString());
        Assert.Equal("AzureStorage", durable.GetProperty("storageProvider").GetProperty("type").GetString());
        Assert.True(durable.GetProperty("maxConcurrentActivityFunctions").GetInt32() > 0);
        Assert.Equal("api", doc.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        // Traces through OpenTelemetry, Durable's own spans included.
        Assert.Equal("OpenTelemetry", doc.RootElement.GetProperty("telemetryMode").GetString());
        Assert.True(durable.GetProperty("tracing").GetProperty("distributedTracingEnabled").GetBoolean());
        Assert.Equal("V2", durable.GetProperty("tracing").GetProperty("version").GetString());
    }

    [Fact]
    public void Settings_example_documents_every_setting_the_code_reads()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "functions", "NbaBackfill.Functions", "local.settings.json.example")));
        var values = doc.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.All(Api.AppSettings.All, name => Assert.Contains(name, values));
        Assert.Equal(Api.AppSettings.DefaultDailySchedule, doc.RootElement.GetProperty("Values").GetProperty("NBA_DAILY_SCHEDULE").GetString());
    }
}
