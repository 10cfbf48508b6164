using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;

namespace NbaBackfill.Warehouse.BigQuery;

/// <summary>Where the bearer token of each request comes from.</summary>
public interface IAccessTokenSource
{
    Task<string> GetAccessTokenAsync(CancellationToken ct);
}

/// <summary>
/// Google.Apis.Auth credentials scoped to BigQuery: a service-account key (JSON text, as Key Vault hands it over, or a
/// file path), or application default credentials when none is given. The library caches and refreshes the token.
/// </summary>
public sealed class GoogleAccessTokenSource(GoogleCredential credential) : IAccessTokenSource
{
    public static async Task<GoogleAccessTokenSource> CreateAsync(string? serviceAccount, CancellationToken ct = default)
    {
        GoogleCredential credential;
        if (string.IsNullOrWhiteSpace(serviceAccount))
        {
            credential = await GoogleCredential.GetApplicationDefaultAsync(ct);
        }
        else if (serviceAccount.TrimStart().StartsWith('{'))
        {
            credential = CredentialFactory.FromJson<ServiceAccountCredential>(serviceAccount).ToGoogleCredential();
        }
        else if (File.Exists(serviceAccount))
        {
            credential = (await CredentialFactory.FromFileAsync<ServiceAccountCredential>(serviceAccount, ct)).ToGoogleCredential();
        }
        else
        {
            throw new ArgumentException("the BigQuery credentials are neither service-account JSON nor an existing key file");
        }
        return new GoogleAccessTokenSource(credential.CreateScoped(BigQueryOptions.Scope));
    }

    public async Task<string> GetAccessTokenAsync(CancellationToken ct)
    {
        try
        {
            return await ((ITokenAccess)credential).GetAccessTokenForRequestAsync(null, ct);
        }
        catch (TokenResponseException e)
        {
            throw new WarehouseException($"signing in to BigQuery failed: {e.Error.Error}: {e.Error.ErrorDescription}", e);
        }
    }
}
