using NbaBackfill.Calendar;
using NbaBackfill.Processors;
using NbaBackfill.Raw;
using NbaBackfill.Tables;
using NbaBackfill.Warehouse.BigQuery.Emulator;

namespace NbaBackfill.Warehouse.BigQuery.Tests;

/// <summary>Retries where BigQuery says "try again", clear errors where it says "no", and the quota.</summary>
public sealed class BigQueryResilienceTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly RawSeason Mini = MiniSeason.Daily(5).Parse();
    private static readonly DateRange MiniDays = new(MiniSeason.Day1, MiniSeason.Day1.AddDays(4));

    [Fact]
    public async Task Rate_limits_and_server_errors_are_retried_with_backoff_until_the_call_succeeds()
    {
        await using var bed = await BigQueryTestbed.StartAsync();
        bed.Fake.Fail((m, p) => p.StartsWith("/upload/", StringComparison.Ordinal), 500, "backendError", times: 2);
        bed.Fake.Fail((m, p) => p.EndsWith("/jobs", StringComparison.Ordinal) && m == "POST", 429, "rateLimitExceeded");
        bed.Fake.Fail((m, p) => p.EndsWith("/queries", StringComparison.Ordinal), 403, "rateLimitExceeded");
        bed.Fake.Fail((m, p) => p.EndsWith("/queries", StringComparison.Ordinal), 503, "backendError");
        bed.Fake.FailJobs("backendError", "Error encountered during execution. Retrying may solve the problem.");
        var before = bed.Warehouse.Client.Retries;

        await bed.Warehouse.ReplaceRawSeasonAsync(Mini, "mini", Fixtures.Stamp.CreatedAt, Ct);
        var rows = await bed.Warehouse.ReadAsync(TableCatalog.RawBoxScores, MiniDays, r => r.Values, Ct);

        Assert.Equal(Mini.BoxScores.Count, rows.Count);
        Assert.Equal(6, bed.Warehouse.Client.Retries - before);
        Assert.Equal(2, bed.Fake.Requests.Count(r => r.Status == 500));
        Assert.Empty(bed.Fake.Violations);
    }

    [Fact]
    public async Task A_job_that_never_finishes_is_polled_with_a_doubling_pause_then_refused_at_the_job_timeout()
    {
        await using var bed = await BigQueryTestbed.StartAsync(o => o with
        {
            JobTimeout = TimeSpan.FromMilliseconds(600), PollDelay = TimeSpan.FromMilliseconds(20),
        });
        await bed.Warehouse.ReplaceRawSeasonAsync(Mini, "mini", Fixtures.Stamp.CreatedAt, Ct);
        bed.Fake.JobPendingPolls = int.MaxValue;
        var before = bed.Fake.Requests.Count;

        var e = await Assert.ThrowsAsync<WarehouseException>(() => bed.Warehouse.ReplaceRawSeasonAsync(Mini, "mini", Fixtures.Stamp.CreatedAt, Ct));

        Assert.Contains("did not finish within", e.Message, StringComparison.Ordinal);
        // Each job: 20, 40, 80, 160, 320 ms… a handful of polls in 600 ms, not the thirty a fixed 20 ms pause would make.
        var pollsPerJob = bed.Fake.Requests.Skip(before).Where(r => r.Method == "GET" && r.Path.Contains("/jobs/", StringComparison.Ordinal))
            .GroupBy(r => r.Path).Select(g => g.Count()).ToList();
        Assert.NotEmpty(pollsPerJob);
        Assert.All(pollsPerJob, polls => Assert.InRange(polls, 2, 8));
    }

    [Fact]
    public async Task A_transaction_aborted_by_a_concurrent_one_runs_again_under_a_new_job_id()
    {
        await using var bed = await BigQueryTestbed.StartAsync();
        bed.Fake.FailJobs("invalidQuery", $"Transaction is aborted due to concurrent update against table {FakeBigQueryServer.Project}:nba.raw_games", times: 2);
        var scriptsBefore = bed.Fake.RequestCount("POST", "/jobs");

        await bed.Warehouse.ReplaceRawSeasonAsync(Mini, "mini", Fixtures.Stamp.CreatedAt, Ct);

        Assert.Equal(3, bed.Fake.Requests.Count(r => r.Method == "POST" && r.Path.EndsWith("/jobs", StringComparison.Ordinal)) - scriptsBefore);
        Assert.Equal(Mini.Games.Count, (await bed.Warehouse.ReadAllAsync(TableCatalog.RawGames, null, Ct)).Count);
    }

    [Fact]
    public async Task Writers_on_one_table_at_once_all_land_taking_turns_in_process_and_retrying_across_processes()
    {
        // Backoff long enough to outlast the other process's queue of writes on a busy machine. An aborted job runs again
        // at most five times (the client's own bound, whatever MaxRetries says), doubling from the base: 100 ms spans
        // about three seconds, as production's 1 s base spans half a minute (25 ms spanned 0.8 s: too short on a loaded CI).
        await using var bed = await BigQueryTestbed.StartAsync(o => o with { RetryBaseDelay = TimeSpan.FromMilliseconds(100), MaxRetries = 10 });
        bed.Fake.JobPendingPolls = 0;
        var tokens = new FixedToken(bed.Fake.IssueToken());
        await using var otherProcess = await BigQueryWarehouse.OpenAsync(
            BigQueryTestbed.OptionsFor(bed.Fake) with { RetryBaseDelay = TimeSpan.FromMilliseconds(100), MaxRetries = 10 }, tokens, TimeProvider.System);
        var dates = Enumerable.Range(0, 12).Select(i => MiniSeason.Day1.AddDays(i)).ToList();

        // Twelve batches' failure writes into one failure table at once, from two "processes".
        await Task.WhenAll(dates.Select((date, i) =>
        {
            var recorder = new Failures.FailureRecorder(ProcessorId.PCF, Fixtures.Stamp);
            recorder.ProcessingError(date, "11", Failures.EntityType.Player, "boom");
            var writer = i % 2 == 0 ? bed.Warehouse : otherProcess;
            return writer.ReplaceOutputAsync(new ProcessorResult(ProcessorId.PCF, [date], [], recorder.Records), Fixtures.Stamp.CreatedAt, Ct);
        }));

        var failures = await bed.Warehouse.ReadUnresolvedFailuresAsync(ProcessorId.PCF, new DateRange(dates[0], dates[^1]), Ct);
        Assert.Equal(dates, failures.Select(f => f.AnalysisDate).Order());
        Assert.Empty(bed.Fake.Violations);
    }

    [Fact]
    public async Task A_bad_request_is_not_retried_and_the_error_names_the_table()
    {
        await using var bed = await BigQueryTestbed.StartAsync();
        bed.Fake.Fail((m, p) => p.EndsWith("/queries", StringComparison.Ordinal), 400, "invalidQuery", times: 5);
        var queriesBefore = bed.Fake.RequestCount("POST", "/queries");

        var e = await Assert.ThrowsAsync<WarehouseException>(() => bed.Warehouse.ReadAsync(TableCatalog.RawGames, MiniDays, r => r, Ct));

        Assert.Equal(1, bed.Fake.RequestCount("POST", "/queries") - queriesBefore);
        Assert.Contains("raw_games", e.Message);
        Assert.Contains("HTTP 400 invalidQuery", e.Message);
    }

    [Fact]
    public async Task A_failed_job_is_reported_with_its_table_and_job_id_and_not_retried_when_permanent()
    {
        await using var bed = await BigQueryTestbed.StartAsync();
        bed.Fake.FailJobs("invalid", "Provided Schema does not match Table");

        var e = await Assert.ThrowsAsync<WarehouseException>(() => bed.Warehouse.ReplaceRawSeasonAsync(Mini, "mini", Fixtures.Stamp.CreatedAt, Ct));

        Assert.Contains("raw season 2030-31", e.Message);
        Assert.Matches("job nba_script_[0-9a-f]{20} failed: invalid: Provided Schema does not match Table", e.Message);
        Assert.Equal(0, bed.Warehouse.Client.Retries);
        Assert.Empty(await bed.Warehouse.ReadAllAsync(TableCatalog.RawGames, null, Ct)); // nothing half-written
        Assert.DoesNotContain(bed.Fake.Store.TableNames, t => t.Contains("_staging_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rows_a_table_refuses_fail_the_load_with_the_table_and_job_named()
    {
        await using var bed = await BigQueryTestbed.StartAsync();
        var row = new RawTeam(1, null!, "Team without an abbreviation"); // team_abbr is REQUIRED

        var e = await Assert.ThrowsAsync<WarehouseException>(() => bed.Warehouse.UpsertAsync(TableCatalog.RawTeams, [row], Ct));

        Assert.Contains("raw_teams", e.Message);
        Assert.Matches("job nba_load_[0-9a-f]{20} failed: invalid: .*team_abbr", e.Message);
        Assert.Empty(await bed.Warehouse.ReadAllAsync(TableCatalog.RawTeams, null, Ct));
    }

    [Fact]
    public async Task The_daily_table_modification_quota_fails_fast_and_says_so()
    {
        await using var bed = await BigQueryTestbed.StartAsync();
        bed.Fake.Store.ModificationLimit = 3;
        await bed.Warehouse.ReplaceRawSeasonAsync(Mini, "mini", Fixtures.Stamp.CreatedAt, Ct); // 2 modifications of each raw table

        var e = await Assert.ThrowsAsync<WarehouseException>(() => bed.Warehouse.ReplaceRawSeasonAsync(Mini, "mini", Fixtures.Stamp.CreatedAt, Ct));

        Assert.Contains("quotaExceeded", e.Message);
        Assert.Equal(0, bed.Warehouse.Client.Retries); // waiting does not help until tomorrow
        Assert.Equal(2, bed.Fake.Store.Modifications["nba.raw_games"]); // the refused transaction counted nothing
        Assert.Equal(Mini.Games.Count, (await bed.Warehouse.ReadAllAsync(TableCatalog.RawGames, null, Ct)).Count);
    }

    [Fact]
    public async Task Requests_without_a_valid_token_are_refused_and_no_retry_hides_it()
    {
        await using var fake = await FakeBigQueryServer.StartAsync();
        var options = BigQueryTestbed.OptionsFor(fake);

        var e = await Assert.ThrowsAsync<WarehouseException>(() =>
            BigQueryWarehouse.OpenAsync(options, new FixedToken("ya29.not-issued-by-the-fake"), TimeProvider.System));

        Assert.Contains("HTTP 401", e.Message);
        Assert.Single(fake.Requests);
        await using var signedIn = await BigQueryWarehouse.OpenAsync(options, new FixedToken(fake.IssueToken()), TimeProvider.System);
        Assert.Equal("bigquery:nba-test-project.nba", signedIn.Describe);
    }

    [Fact]
    public async Task A_service_account_key_the_token_endpoint_does_not_trust_is_a_clear_sign_in_error()
    {
        await using var fake = await FakeBigQueryServer.StartAsync();
        using var other = System.Security.Cryptography.RSA.Create(2048);
        var forged = System.Text.Json.Nodes.JsonNode.Parse(fake.ServiceAccountJson())!;
        forged["private_key"] = other.ExportPkcs8PrivateKeyPem();
        var tokens = await GoogleAccessTokenSource.CreateAsync(forged.ToJsonString());

        var e = await Assert.ThrowsAsync<WarehouseException>(() => BigQueryWarehouse.OpenAsync(BigQueryTestbed.OptionsFor(fake), tokens, TimeProvider.System));

        Assert.Contains("signing in to BigQuery failed: invalid_grant: Invalid JWT Signature", e.Message);
    }

    [Fact]
    public async Task Settings_that_are_not_a_project_and_dataset_are_refused_before_any_request()
    {
        Assert.Throws<ArgumentException>(() => BigQueryOptions.Parse("my-project", null));
        Assert.Throws<ArgumentException>(() => BigQueryOptions.Parse("my-project", "nba-backfill")); // dashes are not allowed in dataset ids
        await Assert.ThrowsAsync<ArgumentException>(() => GoogleAccessTokenSource.CreateAsync("/no/such/key.json"));
    }

    private sealed class FixedToken(string token) : IAccessTokenSource
    {
        public Task<string> GetAccessTokenAsync(CancellationToken ct) => Task.FromResult(token);
    }
}
