using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace NbaBackfill.Api.Tests;

/// <summary>Every app setting is checked at start-up with a message naming it.</summary>
public class NbaSettingsTests
{
    private static IReadOnlyList<string> Errors(params (string Name, string Value)[] settings)
    {
        var map = settings.ToDictionary(s => s.Name, s => s.Value);
        return NbaSettings.From(n => map.GetValueOrDefault(n)).Validate();
    }

    [Fact]
    public void The_defaults_and_a_full_bigquery_configuration_are_valid()
    {
        Assert.Empty(Errors());
        Assert.Empty(Errors(("NBA_WAREHOUSE", "bigquery"), ("NBA_BIGQUERY_PROJECT", "my-project-123"), ("NBA_BIGQUERY_DATASET", "nba_backfill"),
            ("NBA_BIGQUERY_LOCATION", "europe-west4"), ("NBA_BIGQUERY_ENDPOINT", "https://bigquery.googleapis.com/"),
            ("NBA_DAILY_CATCH_UP_DAYS", "3"), ("NBA_MAX_RANGE_DAYS", "800"), ("NBA_TASK_HUB", "nbaprod")));
        Assert.Empty(Errors(("NBA_WAREHOUSE", "bigquery"), ("NBA_BIGQUERY_PROJECT", "my-project-123"), ("NBA_BIGQUERY_DATASET", "nba"),
            ("NBA_BIGQUERY_ENDPOINT", "http://127.0.0.1:9050/"))); // loopback fake
    }

    public static TheoryData<string, string, string> BadSettings => new()
    {
        { "NBA_DAILY_CATCH_UP_DAYS", "0", "NBA_DAILY_CATCH_UP_DAYS='0': must be a whole number from 1 to 60" },
        { "NBA_DAILY_CATCH_UP_DAYS", "-3", "must be a whole number from 1 to 60" },
        { "NBA_DAILY_CATCH_UP_DAYS", "seven", "must be a whole number from 1 to 60" },
        { "NBA_MAX_RANGE_DAYS", "0", "NBA_MAX_RANGE_DAYS='0'" },
        { "NBA_MAX_BODY_BYTES", "10", "NBA_MAX_BODY_BYTES='10'" },
        { "NBA_WAREHOUSE", "sqlite", "NBA_WAREHOUSE='sqlite': must be duckdb or bigquery" },
        { "NBA_TASK_HUB", "a-b", "NBA_TASK_HUB='a-b'" },
        { "NBA_RAW_CONTAINER", "Raw_Files", "NBA_RAW_CONTAINER='Raw_Files'" },
        { "NBA_REPORTS_CONTAINER", "a--b", "NBA_REPORTS_CONTAINER='a--b'" },
        { "NBA_DAILY_SCHEDULE", "0 11 * * *", "NBA_DAILY_SCHEDULE='0 11 * * *': must be a six-field NCRONTAB" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_is_named_with_its_rule(string name, string value, string message) =>
        Assert.Contains(Errors((name, value)), e => e.Contains(message, StringComparison.Ordinal));

    [Theory]
    [InlineData("http://bigquery.example.com/", "must be https (http only to a loopback address)")]
    [InlineData("ftp://127.0.0.1/", "must be https")]
    [InlineData("not a url", "is not an absolute URL")]
    public void The_bigquery_endpoint_never_carries_tokens_in_clear_text(string endpoint, string message) =>
        Assert.Contains(Errors(("NBA_WAREHOUSE", "bigquery"), ("NBA_BIGQUERY_PROJECT", "my-project-123"), ("NBA_BIGQUERY_DATASET", "nba"),
            ("NBA_BIGQUERY_ENDPOINT", endpoint)), e => e.Contains(message, StringComparison.Ordinal));

    [Theory]
    [InlineData("proj`; DROP TABLE x; --")]
    [InlineData("UPPER-case-1")]
    [InlineData("ab")]
    [InlineData("")]
    public void A_project_id_that_could_break_out_of_an_identifier_is_refused(string project)
    {
        Assert.Contains(Errors(("NBA_WAREHOUSE", "bigquery"), ("NBA_BIGQUERY_PROJECT", project), ("NBA_BIGQUERY_DATASET", "nba")),
            e => e.StartsWith("NBA_BIGQUERY_PROJECT=", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => Warehouse.BigQuery.BigQueryOptions.Parse(project, "nba"));
    }

    [Fact]
    public async Task A_host_with_a_bad_setting_does_not_start_and_names_it()
    {
        // The registration the Functions app uses (Program.cs): validated on start, not on the first timer tick.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["NBA_DAILY_CATCH_UP_DAYS"] = "0", ["NBA_BIGQUERY_ENDPOINT"] = "x" });
        builder.Services.AddNbaSettings();
        using var host = builder.Build();
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("NBA_DAILY_CATCH_UP_DAYS='0': must be a whole number from 1 to 60", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duckdb_is_refused_on_azure() =>
        Assert.Contains(Errors(("WEBSITE_INSTANCE_ID", "abc123")), e => e.StartsWith("NBA_WAREHOUSE='duckdb': not on Azure", StringComparison.Ordinal));

    [Fact]
    public void The_daily_runner_refuses_an_empty_window() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DailyRunner(null!, null!, TimeProvider.System, "x", catchUpDays: 0));
}
