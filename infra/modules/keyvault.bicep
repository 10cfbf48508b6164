// Holds the BigQuery service-account JSON as the secret 'bigquery-service-account' (set it after deployment).
param namePrefix string
param location string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: '${namePrefix}-kv-${take(uniqueString(resourceGroup().id), 6)}'
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    // A deleted key cannot be purged (and so lost for good) within the retention period.
    enablePurgeProtection: true
  }
}

output vaultUri string = vault.properties.vaultUri
output vaultName string = vault.name
