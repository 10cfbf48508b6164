using System.Text.RegularExpressions;

namespace NbaBackfill.Functions.Tests;

/// <summary>What can be checked of infra/ offline: the app settings Bicep sets are exactly the ones the code reads.</summary>
public partial class InfraConsistencyTests
{
    [GeneratedRegex(@"^\s+(NBA_[A-Z_]+):", RegexOptions.Multiline)]
    private static partial Regex SettingLine();

    [Fact]
    public void Bicep_sets_every_app_setting_the_code_reads_and_no_other()
    {
        var bicep = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "main.bicep"));
        var names = SettingLine().Matches(bicep).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(Api.AppSettings.All.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.Contains("dailySchedule string = '0 0 11 * * *'", bicep, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_module_main_bicep_uses_exists()
    {
        var bicep = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "main.bicep"));
        foreach (Match m in Regex.Matches(bicep, @"'(modules/[a-z]+\.bicep)'"))
        {
            Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "infra", m.Groups[1].Value)), m.Groups[1].Value);
        }
        Assert.Contains("'DOTNET-ISOLATED|10.0'", File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "modules", "functionapp.bicep")), StringComparison.Ordinal);
    }
}
