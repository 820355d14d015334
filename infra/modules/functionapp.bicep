// The function app: Flex Consumption (FC1, Linux), the runtime in `functionRuntime` below, deployment package in a
// blob container read with the managed identity, identity-based AzureWebJobsStorage. App settings: every configuration
// key the app reads (local.settings.sample.json lists the same keys with their local defaults; the deployment check
// keeps the two in step).

param location string
param tags object
param planName string
param appName string

@description('azd service name in azure.yaml; azd finds the app by the azd-service-name tag.')
param serviceName string

param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string
param identityId string
param identityClientId string

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@minValue(0)
param alwaysReadyInstances int = 0

@minValue(1)
param httpPerInstanceConcurrency int = 16

@description('Base URL of the GPU app; predictions for models whose manifest says device cuda are forwarded there.')
param gpuAppUrl string

@secure()
param gpuAppKey string

param driftSchedule string
param driftWindow string
param driftWebhookUrl string
param batchMaxErrorRate string
param batchChunkRows string
param streamMaxDequeue string
param predictionLogSampleRate string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// The language runtime of the app, in this one place: Shipyard.Functions is a .NET isolated worker on .NET 10 (a Flex
// Consumption runtime), deployed by azd with azure.yaml's `language: dotnet`;
// tests/Shipyard.Server.Tests/Deployment/InfraTests.cs keeps the two in step.
var functionRuntime = {
  name: 'dotnet-isolated'
  version: '10.0'
}

// 'http' is the always-ready group of every HTTP-triggered function (Health, Models, Predict, KServe, Admin).
var alwaysReadyHttp = {
  name: 'http'
  instanceCount: alwaysReadyInstances
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, {
    'azd-service-name': serviceName
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: alwaysReadyInstances > 0 ? [alwaysReadyHttp] : []
        triggers: {
          http: {
            perInstanceConcurrency: httpPerInstanceConcurrency
          }
        }
      }
      runtime: functionRuntime
    }
  }
}

// Every setting the app reads. FUNCTIONS_WORKER_RUNTIME is not set here: Flex Consumption takes the runtime from
// functionAppConfig.runtime and rejects the setting.
var appSettings = {
  AzureWebJobsStorage__accountName: storage.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AZURE_CLIENT_ID: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  DRIFT_SCHEDULE: driftSchedule
  DRIFT_WINDOW: driftWindow
  DRIFT_WEBHOOK_URL: driftWebhookUrl
  DRIFT_RETRAIN_ON: 'dataset'
  DRIFT_MIN_ROWS: '50'
  BATCH_MAX_ERROR_RATE: batchMaxErrorRate
  BATCH_CHUNK_ROWS: batchChunkRows
  STREAM_MAX_DEQUEUE: streamMaxDequeue
  // The host's own retry limit for the StreamScore queue trigger (host.json extensions.queues.maxDequeueCount,
  // overridden by app setting) follows STREAM_MAX_DEQUEUE, so the app knows which delivery is the last.
  AzureFunctionsJobHost__extensions__queues__maxDequeueCount: streamMaxDequeue
  GPU_APP_URL: gpuAppUrl
  GPU_APP_KEY: gpuAppKey
  Shipyard__PredictionLogSampleRate: predictionLogSampleRate
  Shipyard__Auth__AllowAnonymous: 'false'
  // A 16 MB minimum gen0 budget: at high request rates the runtime's default (a few MB here) collected ~80 times a
  // second and re-faulted freed pages (docs/benchmarks.md "HTTP"). Environment-only: runtimeconfig.json cannot set it.
  DOTNET_GCgen0size: '0x1000000'
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: appSettings
}

// azd deploys to Flex Consumption with Entra ID; publishing with basic credentials stays off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output id string = site.id
output name string = site.name
output url string = 'https://${site.properties.defaultHostName}'
