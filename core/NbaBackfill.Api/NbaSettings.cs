using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NbaBackfill.Warehouse.BigQuery;

namespace NbaBackfill.Api;

/// <summary>
/// The app settings of the Functions app, read once and validated at start-up (ValidateOnStart): a bad value stops
/// the host with a message naming the setting, instead of every timer tick or request failing later.
/// </summary>
public sealed partial class NbaSettings
{
    public string Warehouse { get; set; } = "duckdb";
    public string? DuckDbPath { get; set; }
    public string? BigQueryProject { get; set; }
    public string? BigQueryDataset { get; set; }
    public string? BigQueryLocation { get; set; }
    public string? BigQueryEndpoint { get; set; }
    public string TaskHub { get; set; } = "nbabackfill";
    public string RawContainer { get; set; } = "raw";
    public string ReportsContainer { get; set; } = "reports";
    public string DailySchedule { get; set; } = AppSettings.DefaultDailySchedule;
    public string? DailyCatchUpDaysText { get; set; }
    public string? MaxRangeDaysText { get; set; }
    public string? MaxBodyBytesText { get; set; }

    /// <summary>Set by App Service on every Azure instance (WEBSITE_INSTANCE_ID).</summary>
    public bool HostedOnAzure { get; set; }

    public int DailyCatchUpDays => Int(DailyCatchUpDaysText, 7);
    public int MaxRangeDays => Int(MaxRangeDaysText, 400);
    public int MaxBodyBytes => Int(MaxBodyBytesText, 16 * 1024);

    public ApiOptions ApiOptions => new(MaxRangeDays, MaxBodyBytes);

    public static NbaSettings From(Func<string, string?> setting) => new NbaSettings().Read(setting);

    /// <summary>Fills every property from the settings (blank counts as unset); the options pipeline calls this.</summary>
    public NbaSettings Read(Func<string, string?> setting)
    {
        string? Get(string name) => setting(name) is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        Warehouse = Get(AppSettings.Warehouse) ?? "duckdb";
        DuckDbPath = Get(AppSettings.DuckDbPath);
        BigQueryProject = Get(AppSettings.BigQueryProject);
        BigQueryDataset = Get(AppSettings.BigQueryDataset);
        BigQueryLocation = Get(AppSettings.BigQueryLocation);
        BigQueryEndpoint = Get(AppSettings.BigQueryEndpoint);
        TaskHub = Get(AppSettings.TaskHub) ?? "nbabackfill";
        RawContainer = Get(AppSettings.RawContainer) ?? "raw";
        ReportsContainer = Get(AppSettings.ReportsContainer) ?? "reports";
        DailySchedule = Get(AppSettings.DailySchedule) ?? AppSettings.DefaultDailySchedule;
        DailyCatchUpDaysText = Get(AppSettings.DailyCatchUpDays);
        MaxRangeDaysText = Get(AppSettings.MaxRangeDays);
        MaxBodyBytesText = Get(AppSettings.MaxBodyBytes);
        HostedOnAzure = Get("WEBSITE_INSTANCE_ID") is not null;
        return this;
    }

    /// <summary>Every problem, each naming its setting and rule (pure: tested without a host).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        void IntIn(string name, string? text, int min, int max)
        {
            if (text is not null && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max))
                errors.Add($"{name}='{text}': must be a whole number from {min} to {max}");
        }
        IntIn(AppSettings.DailyCatchUpDays, DailyCatchUpDaysText, 1, 60);
        IntIn(AppSettings.MaxRangeDays, MaxRangeDaysText, 1, 3660);
        IntIn(AppSettings.MaxBodyBytes, MaxBodyBytesText, 1024, 1024 * 1024);
        switch (Warehouse)
        {
            case "duckdb":
                // One process per DuckDB file; scaled-out instances would share it over Azure Files and corrupt it.
                if (HostedOnAzure) errors.Add($"{AppSettings.Warehouse}='duckdb': not on Azure (instances scale out; use bigquery)");
                break;
            case "bigquery":
                if (!BigQueryOptions.IsProjectId(BigQueryProject))
                    errors.Add($"{AppSettings.BigQueryProject}='{BigQueryProject}': not a Google Cloud project id (6-30 lower-case letters, digits or hyphens)");
                if (!BigQueryOptions.IsDatasetId(BigQueryDataset))
                    errors.Add($"{AppSettings.BigQueryDataset}='{BigQueryDataset}': not a BigQuery dataset id (letters, digits, underscores)");
                if (BigQueryLocation is not null && !LocationPattern().IsMatch(BigQueryLocation))
                    errors.Add($"{AppSettings.BigQueryLocation}='{BigQueryLocation}': not a BigQuery location (e.g. US, EU, europe-west4)");
                if (BigQueryEndpoint is not null)
                {
                    try
                    {
                        BigQueryOptions.ParseEndpoint(BigQueryEndpoint);
                    }
                    catch (ArgumentException e)
                    {
                        errors.Add(e.Message);
                    }
                }
                break;
            default:
                errors.Add($"{AppSettings.Warehouse}='{Warehouse}': must be duckdb or bigquery");
                break;
        }
        if (!Validation.Identifiers.IsTaskHub(TaskHub)) errors.Add($"{AppSettings.TaskHub}='{TaskHub}': 3-45 letters or digits, starting with a letter");
        foreach (var (name, value) in new[] { (AppSettings.RawContainer, RawContainer), (AppSettings.ReportsContainer, ReportsContainer) })
        {
            if (!Validation.Identifiers.IsBlobContainer(value))
                errors.Add($"{name}='{value}': not a Blob container name (3-63 lower-case letters, digits, single hyphens)");
        }
        if (DailySchedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 6)
            errors.Add($"{AppSettings.DailySchedule}='{DailySchedule}': must be a six-field NCRONTAB expression (second minute hour day month weekday)");
        return errors;
    }

    private static int Int(string? text, int fallback) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : fallback;

    [GeneratedRegex("^[A-Za-z]{2}(-[a-z]+[0-9]?)?\\z|^[a-z]+-[a-z]+[0-9]\\z")]
    private static partial Regex LocationPattern();

}

public static class NbaSettingsRegistration
{
    /// <summary>Binds <see cref="NbaSettings"/> from configuration and validates it when the host starts.</summary>
    public static IServiceCollection AddNbaSettings(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<NbaSettings>, NbaSettingsValidation>();
        services.AddOptions<NbaSettings>()
            .Configure<Microsoft.Extensions.Configuration.IConfiguration>((settings, configuration) => settings.Read(name => configuration[name]))
            .ValidateOnStart();
        return services;
    }
}

/// <summary>Options validation for <see cref="NbaSettings"/> (registered with ValidateOnStart).</summary>
public sealed class NbaSettingsValidation : IValidateOptions<NbaSettings>
{
    public ValidateOptionsResult Validate(string? name, NbaSettings options) =>
        options.Validate() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}
