// NbaBackfill on Azure: a Functions app (isolated worker, .NET 10, Flex Consumption) with Durable Functions on its own
// storage account (the task hub, reached with the app's managed identity: shared keys are off), Application Insights,
// and a Key Vault holding the BigQuery service-account key. The warehouse is BigQuery.
targetScope = 'resourceGroup'

@description('Short prefix for resource names (lowercase letters and digits).')
@minLength(3)
@maxLength(11)
param namePrefix string = 'nbabackfill'

param location string = resourceGroup().location

@description('NCRONTAB schedule of the daily run (UTC).')
param dailySchedule string = '0 0 11 * * *'

@description('Durable task hub name.')
param taskHub string = 'nbabackfill'

param bigQueryProject string = ''
param bigQueryDataset string = 'nba_backfill'

@description('BigQuery location of the dataset; jobs run there.')
param bigQueryLocation string = 'US'

@description('Longest date range one request may backfill.')
param maxRangeDays int = 400

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: { namePrefix: namePrefix, location: location }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { namePrefix: namePrefix, location: location }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: { namePrefix: namePrefix, location: location }
}

module app 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    namePrefix: namePrefix
    location: location
    storageAccountName: storage.outputs.accountName
    storageBlobEndpoint: storage.outputs.blobEndpoint
    appInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultName: vault.outputs.vaultName
    appSettings: {
      NBA_TASK_HUB: taskHub
      // BigQuery only: a DuckDB file allows one process, and scaled-out instances would share it over Azure Files.
      NBA_WAREHOUSE: 'bigquery'
      NBA_BIGQUERY_PROJECT: bigQueryProject
      NBA_BIGQUERY_DATASET: bigQueryDataset
      NBA_BIGQUERY_LOCATION: bigQueryLocation
      NBA_BIGQUERY_ENDPOINT: 'https://bigquery.googleapis.com/'
      NBA_BIGQUERY_CREDENTIALS: '@Microsoft.KeyVault(VaultName=${vault.outputs.vaultName};SecretName=bigquery-service-account)'
      NBA_RAW_CONTAINER: 'raw'
      NBA_REPORTS_CONTAINER: 'reports'
      NBA_DAILY_SCHEDULE: dailySchedule
      NBA_DAILY_CATCH_UP_DAYS: '7'
      NBA_MAX_RANGE_DAYS: string(maxRangeDays)
      NBA_MAX_BODY_BYTES: '16384'
    }
  }
}

output functionAppName string = app.outputs.name
output functionAppUrl string = app.outputs.url
output keyVaultName string = vault.outputs.vaultName
