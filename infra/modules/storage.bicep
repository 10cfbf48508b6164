// The Functions app's storage: host state, the Durable task hub (queues, tables, blobs), raw landing and reports.
param namePrefix string
param location string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: toLower('${namePrefix}${uniqueString(resourceGroup().id)}')
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
    // Identity only: the app reaches blobs, queues and tables with its managed identity and role assignments.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource raw 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: 'raw'
}

resource reports 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: 'reports'
}

// Where Flex Consumption keeps the deployed package (read with the app's identity).
resource deployments 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: 'deployments'
}

output accountName string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
