// Shipyard on Azure: `azd up` entry point (azd conventions: subscription scope, main.parameters.json, modules/).
//
// Light models run on Azure Functions Flex Consumption (scale to zero, Event Grid blob trigger);
// models whose manifest asks for `cuda` run on a Container Apps serverless GPU workload profile, and the function app
// forwards their predictions there (GPU_APP_URL). docs/architecture.md explains the split, docs/deploy.md every
// parameter and app setting.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name (AZURE_ENV_NAME): names the resource group and seeds the unique resource token.')
param environmentName string

@minLength(1)
@description('Region for every resource (AZURE_LOCATION). It must offer Flex Consumption and, unless gpuProfile is None, Container Apps serverless GPUs of the chosen type.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the person or pipeline running azd (AZURE_PRINCIPAL_ID). Gets data access to the storage account and push access to the registry, so that `az storage blob upload --auth-mode login` and image pushes work. Empty: no deployer roles.')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
])
@description('Kind of principalId: User for a person, ServicePrincipal for a CI identity (AZURE_PRINCIPAL_TYPE).')
param principalType string = 'User'

@description('Optional resource group name; default rg-<environmentName>.')
param resourceGroupName string = ''

@description('Skip the check that the region offers Flex Consumption and the chosen serverless GPU (infra/regions.json). Only for a region Azure has added since that file was written (SHIPYARD_SKIP_REGION_CHECK).')
param skipRegionCheck bool = false

// ---- Function app (Flex Consumption) ----

@allowed([
  512
  2048
  4096
])
@description('Memory of each Flex Consumption instance in MB. 2048 fits the bundled CPU models; 4096 for bigger ones.')
param functionInstanceMemoryMB int = 2048

@minValue(40)
@maxValue(1000)
@description('Upper bound on Flex Consumption instances (cost cap).')
param functionMaximumInstanceCount int = 100

@minValue(0)
@maxValue(20)
@description('Always-ready instances for the HTTP functions: 0 = pure scale to zero (cold start on the first request), 1+ = no cold start for that many instances, billed while idle.')
param functionAlwaysReadyInstances int = 0

@minValue(1)
@maxValue(1000)
@description('Concurrent HTTP requests one Flex instance takes before another is added.')
param functionHttpPerInstanceConcurrency int = 16

@description('Create the Event Grid subscription that delivers batch-in BlobCreated events to BatchScore. Leave false on the first provision: the webhook needs the blobs_extension key, which exists only once the code is deployed (the postdeploy hook creates the subscription and sets SHIPYARD_BATCH_EVENTS=true).')
param batchEventSubscriptionEnabled bool = false

// ---- App settings (the app reads these; defaults match local.settings.sample.json) ----

@description('DRIFT_SCHEDULE: NCRONTAB (six fields) of the drift check; default hourly.')
param driftSchedule string = '0 0 * * * *'

@description('DRIFT_WINDOW: how much recent prediction log the drift check compares with the baseline.')
param driftWindow string = '24h'

@description('DRIFT_WEBHOOK_URL: optional URL that receives a POST for each retraining request.')
param driftWebhookUrl string = ''

@description('BATCH_MAX_ERROR_RATE: share of invalid rows above which a batch is reported failed.')
param batchMaxErrorRate string = '0.05'

@description('BATCH_CHUNK_ROWS: rows scored per ONNX run (and per request forwarded to the GPU app) in batch scoring.')
param batchChunkRows string = '1024'

@description('STREAM_MAX_DEQUEUE: deliveries of a score-requests message before it is moved to score-requests-poison.')
param streamMaxDequeue string = '5'

@description('Shipyard__PredictionLogSampleRate: share of predictions written to the prediction log (0-1).')
param predictionLogSampleRate string = '1.0'

// ---- GPU tier (Container Apps) ----

@allowed([
  'T4'
  'A100'
  'None'
])
@description('Serverless GPU of the GPU app: T4 (Consumption-GPU-NC8as-T4) or A100 (Consumption-GPU-NC24-A100). None runs the same image on the CPU Consumption profile, for subscriptions without serverless GPU quota.')
param gpuProfile string = 'T4'

@minValue(0)
@maxValue(10)
@description('Minimum GPU app replicas: 0 scales the GPU to zero when idle (first request waits for a cold start), 1 keeps one GPU warm (billed continuously).')
param gpuMinReplicas int = 0

@minValue(1)
@maxValue(10)
@description('Maximum GPU app replicas (bounded by your serverless GPU quota).')
param gpuMaxReplicas int = 1

@minValue(1)
@description('Concurrent HTTP requests per GPU replica before the HTTP scale rule adds one.')
param gpuConcurrentRequests int = 20

@description('GPU app image (SERVICE_GPU_IMAGE_NAME, set by azd deploy). Empty on the first provision: a public placeholder image runs until azd deploy pushes Shipyard\'s.')
param gpuImage string = ''

// No default and not in main.parameters.json, on purpose: azd generates the value on the first provision and keeps it in
// the environment (.azure/<env>/config.json, infra.parameters.gpuAppKey), so every later provision sends the same key
// to both apps. A default such as newGuid() would change it on every provision, on the function app at once and on
// the GPU app only at its next revision: forwarded predictions would get 401 in between. Rotation: docs/deploy.md.
@secure()
@minLength(32)
@description('Key the function app sends (x-functions-key) when it forwards cuda predictions to the GPU app; the GPU app accepts it as a function key. Generated once by azd and kept in the environment; rotate it on purpose (docs/deploy.md, Key rotation).')
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 48
      noSpecial: true
    }
  }
})
param gpuAppKey string

@allowed([
  'Basic'
  'Standard'
  'Premium'
])
@description('Container registry SKU. Basic holds 10 GiB, about two CUDA images; Standard for more history.')
param registrySku string = 'Basic'

// ---- Monitoring and alerts ----

@description('E-mail address that receives alerts. Empty: the action group has no receivers (alerts still show in the portal).')
param alertEmail string = ''

@minValue(30)
@maxValue(730)
@description('Log Analytics retention in days.')
param logRetentionDays int = 30

@description('Disable key-based ingestion into Application Insights (Entra ID only). The Functions host authenticates with the managed identity; enable it only when the app\'s own telemetry client is configured for Entra ID too.')
param appInsightsDisableLocalAuth bool = false

@minValue(1)
@maxValue(100)
@description('Alert when more than this percentage of requests to an app fail in the alert window.')
param alertFailedRequestPercent int = 5

@minValue(1)
@description('Minimum requests in the window before the failed-request rate is judged (avoids alerts on 1 failure out of 2).')
param alertMinimumRequests int = 20

@minValue(1)
@description('Alert when the 95th percentile request duration of an app exceeds this many milliseconds.')
param alertP95LatencyMs int = 1000

@minValue(0)
@description('Alert when more than this many DriftDetected events arrive in the window.')
param alertDriftEventsThreshold int = 0

@minValue(0)
@description('Alert when more than this many batches finish with status failed in the window.')
param alertFailedBatchesThreshold int = 0

@minValue(0)
@description('Alert when more than this many messages land in score-requests-poison in the window.')
param alertPoisonMessagesThreshold int = 0

@minValue(0)
@description('Alert when GPU app replicas restart more than this many times in the window.')
param alertGpuRestartsThreshold int = 0

@minValue(30)
@maxValue(365)
@description('Days prediction logs are kept before the lifecycle policy deletes them.')
param predictionLogRetentionDays int = 90

// Region check, before anything is created: the resource group's location is the first value ARM evaluates, and it is
// fail() with a message naming the parameter when the region lacks Flex Consumption or the chosen serverless GPU.
var regions = loadJsonContent('regions.json')
var region = toLower(replace(location, ' ', ''))
var gpuRegions = gpuProfile == 'None' ? [] : regions.serverlessGpu[gpuProfile]
var flexConsumptionMissing = !skipRegionCheck && !contains(regions.flexConsumption, region)
var serverlessGpuMissing = !skipRegionCheck && gpuProfile != 'None' && !contains(gpuRegions, region)
var regionProblem = flexConsumptionMissing
  ? 'Parameter location (AZURE_LOCATION) is \'${location}\', which does not offer Azure Functions Flex Consumption. Choose one of: ${join(regions.flexConsumption, ', ')} (infra/regions.json; SHIPYARD_SKIP_REGION_CHECK=true if Azure has added the region since).'
  : serverlessGpuMissing
      ? 'Parameter gpuProfile (SHIPYARD_GPU_PROFILE) is \'${gpuProfile}\', but location (AZURE_LOCATION) \'${location}\' offers no Container Apps serverless ${gpuProfile} GPU. Regions with it: ${join(gpuRegions, ', ')}. Choose one of them, another gpuProfile, or SHIPYARD_GPU_PROFILE=None to run the GPU app on CPU (infra/regions.json; SHIPYARD_SKIP_REGION_CHECK=true if Azure has added the region since).'
      : ''
var checkedLocation = empty(regionProblem) ? location : fail(regionProblem)

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var deploymentContainerName = 'deployment-package'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: checkedLocation
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    workspaceName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
    retentionInDays: logRetentionDays
    disableLocalAuth: appInsightsDisableLocalAuth
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'st${resourceToken}'
    deploymentContainerName: deploymentContainerName
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
    predictionLogRetentionDays: predictionLogRetentionDays
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'cr${resourceToken}'
    sku: registrySku
  }
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    location: location
    tags: tags
    functionAppIdentityName: 'id-${resourceToken}'
    gpuAppIdentityName: 'id-gpu-${resourceToken}'
    storageAccountName: storage.outputs.name
    registryName: registry.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    principalId: principalId
    principalType: principalType
  }
}

module gpu 'modules/gpu.bicep' = {
  name: 'gpu'
  scope: rg
  params: {
    location: location
    tags: tags
    environmentName: 'cae-${resourceToken}'
    appName: 'ca-gpu-${resourceToken}'
    serviceName: 'gpu'
    gpuProfile: gpuProfile
    minReplicas: gpuMinReplicas
    maxReplicas: gpuMaxReplicas
    concurrentRequests: gpuConcurrentRequests
    image: gpuImage
    registryLoginServer: registry.outputs.loginServer
    identityId: identity.outputs.gpuAppIdentityId
    identityClientId: identity.outputs.gpuAppClientId
    logAnalyticsWorkspaceName: monitoring.outputs.workspaceName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    storageAccountName: storage.outputs.name
    gpuAppKey: gpuAppKey
    driftSchedule: driftSchedule
    driftWindow: driftWindow
    driftWebhookUrl: driftWebhookUrl
    batchMaxErrorRate: batchMaxErrorRate
    batchChunkRows: batchChunkRows
    streamMaxDequeue: streamMaxDequeue
    predictionLogSampleRate: predictionLogSampleRate
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    location: location
    tags: tags
    planName: 'plan-${resourceToken}'
    appName: 'func-${resourceToken}'
    serviceName: 'functions'
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    identityId: identity.outputs.functionAppIdentityId
    identityClientId: identity.outputs.functionAppClientId
    instanceMemoryMB: functionInstanceMemoryMB
    maximumInstanceCount: functionMaximumInstanceCount
    alwaysReadyInstances: functionAlwaysReadyInstances
    httpPerInstanceConcurrency: functionHttpPerInstanceConcurrency
    gpuAppUrl: gpu.outputs.url
    gpuAppKey: gpuAppKey
    driftSchedule: driftSchedule
    driftWindow: driftWindow
    driftWebhookUrl: driftWebhookUrl
    batchMaxErrorRate: batchMaxErrorRate
    batchChunkRows: batchChunkRows
    streamMaxDequeue: streamMaxDequeue
    predictionLogSampleRate: predictionLogSampleRate
  }
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  scope: rg
  params: {
    location: location
    tags: tags
    systemTopicName: 'evgt-${resourceToken}'
    storageAccountName: storage.outputs.name
    functionAppName: functionApp.outputs.name
    subscriptionEnabled: batchEventSubscriptionEnabled
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    actionGroupName: 'ag-${resourceToken}'
    alertEmail: alertEmail
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    logAnalyticsWorkspaceName: monitoring.outputs.workspaceName
    functionAppName: functionApp.outputs.name
    gpuAppName: gpu.outputs.name
    failedRequestPercent: alertFailedRequestPercent
    minimumRequests: alertMinimumRequests
    p95LatencyMs: alertP95LatencyMs
    driftEventsThreshold: alertDriftEventsThreshold
    failedBatchesThreshold: alertFailedBatchesThreshold
    poisonMessagesThreshold: alertPoisonMessagesThreshold
    gpuRestartsThreshold: alertGpuRestartsThreshold
  }
}

// azd writes every output into the environment (.azure/<env>/.env); hooks and docs/deploy.md use these names.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SHIPYARD_FUNCTION_URL string = functionApp.outputs.url
output AZURE_GPU_APP_NAME string = gpu.outputs.name
output SHIPYARD_GPU_URL string = gpu.outputs.url
output SHIPYARD_GPU_GRPC_TARGET string = gpu.outputs.grpcTarget
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output AZURE_CONTAINER_APPS_ENVIRONMENT_NAME string = gpu.outputs.environmentName
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.functionAppClientId
output AZURE_GPU_APP_IDENTITY_CLIENT_ID string = identity.outputs.gpuAppClientId
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.applicationInsightsConnectionString
output BATCH_SYSTEM_TOPIC_NAME string = eventGrid.outputs.systemTopicName
output BATCH_EVENT_SUBSCRIPTION_NAME string = eventGrid.outputs.subscriptionName
