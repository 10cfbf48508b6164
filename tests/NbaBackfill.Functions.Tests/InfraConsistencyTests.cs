using System.Text.Json;
using System.Text.RegularExpressions;

namespace NbaBackfill.Functions.Tests;

/// <summary>What can be checked of infra/ offline: settings in step with the code, and the security baseline.</summary>
public partial class InfraConsistencyTests
{
    [GeneratedRegex(@"^\s+(NBA_[A-Z_]+):", RegexOptions.Multiline)]
    private static partial Regex SettingLine();

    private static string Infra(string path) => File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", path));

    [Fact]
    public void Bicep_sets_every_app_setting_the_code_reads_and_no_other()
    {
        var bicep = Infra("main.bicep");
        var names = SettingLine().Matches(bicep).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(Api.AppSettings.All.Except(Api.AppSettings.LocalOnly).Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.Contains("dailySchedule string = '0 0 11 * * *'", bicep, StringComparison.Ordinal);
    }

    [Fact]
    public void Azure_runs_bigquery_only()
    {
        var bicep = Infra("main.bicep");
        Assert.Contains("NBA_WAREHOUSE: 'bigquery'", bicep, StringComparison.Ordinal);
        Assert.DoesNotContain("duckdb", bicep.Split('\n').Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)), StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("NBA_DUCKDB_PATH", bicep, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_is_reached_by_identity_and_shared_keys_are_off()
    {
        Assert.Contains("allowSharedKeyAccess: false", Infra("modules/storage.bicep"), StringComparison.Ordinal);
        var app = Infra("modules/functionapp.bicep");
        Assert.Contains("AzureWebJobsStorage__accountName", app, StringComparison.Ordinal);
        Assert.DoesNotContain("listKeys(", app, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", app, StringComparison.Ordinal);
        foreach (var role in new[] { "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3" })
        {
            Assert.Contains(role, app, StringComparison.Ordinal); // blob owner, queue and table contributor for the app's identity
        }
    }

    [Fact]
    public void No_ftp_no_basic_publishing_credentials_and_a_purge_protected_vault()
    {
        var app = Infra("modules/functionapp.bicep");
        Assert.Contains("ftpsState: 'Disabled'", app, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(app, @"basicPublishingCredentialsPolicies@[\d-]+' = \{\s+parent: site\s+name: '(ftp|scm)'\s+properties: \{ allow: false \}").Count);
        Assert.Contains("enablePurgeProtection: true", Infra("modules/keyvault.bicep"), StringComparison.Ordinal);
        Assert.Contains("httpsOnly: true", app, StringComparison.Ordinal);
    }

    [Fact]
    public void The_function_timeout_outlasts_the_longest_bigquery_job_the_adapter_waits_for()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")));
        var timeout = TimeSpan.Parse(host.RootElement.GetProperty("functionTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var options = new Warehouse.BigQuery.BigQueryOptions("p", "d");
        Assert.True(timeout > options.JobTimeout + options.RequestTimeout, $"functionTimeout {timeout} <= job timeout {options.JobTimeout} + request {options.RequestTimeout}");
        // Linux Consumption caps functions at 10 minutes: the plan is Flex Consumption.
        Assert.Contains("tier: 'FlexConsumption'", Infra("modules/functionapp.bicep"), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_module_main_bicep_uses_exists()
    {
        var bicep = Infra("main.bicep");
        foreach (Match m in Regex.Matches(bicep, @"'(modules/[a-z]+\.bicep)'"))
        {
            Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "infra", m.Groups[1].Value)), m.Groups[1].Value);
        }
        Assert.Contains("runtime: { name: 'dotnet-isolated', version: '10.0' }", Infra("modules/functionapp.bicep"), StringComparison.Ordinal);
    }
}
