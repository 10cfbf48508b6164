namespace NbaBackfill.Warehouse.BigQuery;

/// <summary>Where the warehouse lives and how patient the client is.</summary>
public sealed record BigQueryOptions(string Project, string Dataset)
{
    public const string Scope = "https://www.googleapis.com/auth/bigquery";

    /// <summary>Dataset location; jobs run there.</summary>
    public string Location { get; init; } = "US";

    /// <summary>The API root; tests point it at a local fake.</summary>
    public Uri Endpoint { get; init; } = new("https://bigquery.googleapis.com/");

    /// <summary>Rows per result page (jobs.query / getQueryResults maxResults).</summary>
    public int PageSize { get; init; } = 20_000;

    /// <summary>One HTTP attempt; an upload of a season's rows can take a while.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a job may run before the call gives up (the job keeps its id in the error).</summary>
    public TimeSpan JobTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Retries of one request on 429/5xx/rateLimitExceeded/backendError (exponential, jittered).</summary>
    public int MaxRetries { get; init; } = 6;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>First wait between jobs.get polls; doubles up to 5 s.</summary>
    public TimeSpan PollDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>NDJSON bytes per multipart upload; a larger staging load is several jobs (the first truncates).</summary>
    public int UploadChunkBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Staging tables expire on their own if a crash leaves one behind.</summary>
    public TimeSpan StagingExpiration { get; init; } = TimeSpan.FromDays(1);

    public string Describe => $"bigquery:{Project}.{Dataset}";

    /// <summary>`project.dataset` from settings, with a clear error for anything else.</summary>
    public static BigQueryOptions Parse(string? project, string? dataset)
    {
        if (string.IsNullOrWhiteSpace(project) || string.IsNullOrWhiteSpace(dataset))
        {
            throw new ArgumentException("the BigQuery warehouse needs a project and a dataset (NBA_BIGQUERY_PROJECT, NBA_BIGQUERY_DATASET)");
        }
        // Both go into SQL identifiers (`project.dataset.table`): only ids of Google's own form pass.
        if (!IsProjectId(project))
        {
            throw new ArgumentException($"'{Cut(project)}' is not a Google Cloud project id (6-30 lower-case letters, digits or hyphens, starting with a letter)");
        }
        if (!IsDatasetId(dataset))
        {
            throw new ArgumentException($"'{Cut(dataset)}' is not a BigQuery dataset id (letters, digits and underscores)");
        }
        return new BigQueryOptions(project, dataset);
    }

    public static bool IsDatasetId(string? dataset) =>
        dataset is not null && System.Text.RegularExpressions.Regex.IsMatch(dataset, "^[A-Za-z0-9_]{1,1024}\\z");

    public static bool IsProjectId(string? project) =>
        project is not null && System.Text.RegularExpressions.Regex.IsMatch(project, "^(?:[a-z][a-z0-9.-]{0,61}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]\\z");

    /// <summary>
    /// The API root: https, or http only to a loopback host (a local fake): an access token must never travel in
    /// clear text over a network.
    /// </summary>
    public static Uri ParseEndpoint(string endpoint)
    {
        if (!Uri.TryCreate(endpoint.EndsWith('/') ? endpoint : endpoint + "/", UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"NBA_BIGQUERY_ENDPOINT='{Cut(endpoint)}' is not an absolute URL");
        }
        if (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)) return uri;
        throw new ArgumentException($"NBA_BIGQUERY_ENDPOINT='{Cut(endpoint)}' must be https (http only to a loopback address): it carries access tokens");
    }

    private static string Cut(string text) => text.Length > 60 ? text[..60] + "…" : text;
}
