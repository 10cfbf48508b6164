using Azure.Identity;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace NbaBackfill.Functions;

/// <summary>
/// A container of the app's storage account, reached the way the host reaches AzureWebJobsStorage: a connection string
/// (local, Azurite), or identity-based settings (`AzureWebJobsStorage__accountName` or `__blobServiceUri`, as the Bicep
/// sets them, with shared keys off on the account) and the app's managed identity.
/// </summary>
internal static class AppStorage
{
    public static BlobContainerClient Container(IConfiguration configuration, string container)
    {
        if (configuration["AzureWebJobsStorage"] is { Length: > 0 } connection) return new BlobContainerClient(connection, container);
        var endpoint = configuration["AzureWebJobsStorage:blobServiceUri"]
            ?? (configuration["AzureWebJobsStorage:accountName"] is { Length: > 0 } account
                ? $"https://{account}.blob.core.windows.net"
                : throw new InvalidOperationException("AzureWebJobsStorage: set a connection string or AzureWebJobsStorage__accountName"));
        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = configuration["AzureWebJobsStorage:clientId"] });
        return new BlobContainerClient(new Uri($"{endpoint.TrimEnd('/')}/{container}"), credential);
    }
}
