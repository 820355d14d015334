// The storage account behind everything: Functions host storage (AzureWebJobsStorage, identity-based), the Flex
// Consumption deployment package, the model registry, batch input/output, prediction logs, drift reports and the
// queues. Shared-key access is off: every client (function app, GPU app, deployer) authenticates with Entra ID.

param location string
param tags object

@minLength(3)
@maxLength(24)
param name string

@description('Blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

@description('Log Analytics workspace that receives queue write logs (the poison-queue alert queries them).')
param logAnalyticsWorkspaceId string

@minValue(1)
param predictionLogRetentionDays int = 90

// Containers and queues the app uses (DESIGN.md §3 Storage; the team contract for queues). The deployment check in
// tests/Shipyard.Server.Tests/Deployment reads these two lists.
var containerNames = [
  'models'
  'batch-in'
  'batch-out'
  'prediction-logs'
  'prediction-feedback'
  'drift-reports'
  deploymentContainerName
]
var queueNames = [
  'retrain-requests'
  'score-requests'
  'score-requests-poison'
  'score-results'
]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    dnsEndpointType: 'Standard'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    // Soft delete: an overwritten model package or batch output can be recovered for a week.
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

// Queue write logs feed the poison-queue alert (StorageQueueLogs, PutMessage on score-requests-poison).
resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'queue-writes-to-log-analytics'
  scope: queueService
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'StorageWrite'
        enabled: true
      }
    ]
  }
}

// Prediction logs grow with traffic; drift only reads the recent window, so old hours are deleted.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-prediction-logs'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'prediction-logs/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: predictionLogRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
