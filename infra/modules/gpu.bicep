// The GPU tier: a Container Apps environment with a serverless GPU workload profile and one standalone container app
// running the standalone Shipyard.Server (built from src/Shipyard.Server/Dockerfile.gpu, ONNX Runtime with the
// CUDA execution provider). It serves the HTTP API (the function app forwards `cuda` models here) and runs the
// standalone blob watcher, which claims each batch blob with a conditional write before scoring it, so any number of
// replicas (and the function app's BatchScore) can share batch-in safely. docs/architecture.md has the reasoning.

param location string
param tags object
param environmentName string
param appName string

@description('azd service name in azure.yaml; azd finds the app by the azd-service-name tag.')
param serviceName string

@allowed([
  'T4'
  'A100'
  'None'
])
param gpuProfile string = 'T4'

@minValue(0)
param minReplicas int = 0

@minValue(1)
param maxReplicas int = 1

@minValue(1)
param concurrentRequests int = 20

@description('Image to run; empty runs a public placeholder until azd deploy pushes the real one.')
param image string = ''

param registryLoginServer string

@description('The GPU app\'s own user-assigned identity (identity.bicep: blob read/write and AcrPull, nothing else).')
param identityId string
param identityClientId string
param logAnalyticsWorkspaceName string
param applicationInsightsName string
param storageAccountName string

@secure()
param gpuAppKey string

param driftSchedule string
param driftWindow string
param driftWebhookUrl string
param batchMaxErrorRate string
param batchChunkRows string
param streamMaxDequeue string
param predictionLogSampleRate string

// Serverless GPU workload profile types and the largest replica each allows (Container Apps serverless GPU docs).
var gpuProfiles = {
  T4: {
    workloadProfileType: 'Consumption-GPU-NC8as-T4'
    cpu: '8.0'
    memory: '56Gi'
  }
  A100: {
    workloadProfileType: 'Consumption-GPU-NC24-A100'
    cpu: '24.0'
    memory: '220Gi'
  }
  None: {
    workloadProfileType: 'Consumption'
    cpu: '4.0'
    memory: '8Gi'
  }
}
var selected = gpuProfiles[gpuProfile]
var gpuWorkloadProfileName = 'gpu'
var workloadProfileName = gpuProfile == 'None' ? 'Consumption' : gpuWorkloadProfileName
// Until `azd deploy` pushes Shipyard's image, a public ASP.NET Core sample stands in. It listens on 8080 like
// Dockerfile.gpu, so ingress stays valid when azd swaps the image in (azd changes only the image); the HTTP probes need
// Shipyard's /api/health and are added once the image is Shipyard's (the provision after the first deploy).
var usePlaceholder = empty(image)
var placeholderImage = 'mcr.microsoft.com/dotnet/samples:aspnetapp'
var targetPort = 8080
// KServe v2 over gRPC (inference.GRPCInferenceService) listens on a port of its own that speaks only HTTP/2
// (Dockerfile.gpu sets Shipyard__Grpc__Url=http://+:8081; Kestrel cannot tell HTTP/1.1 from cleartext HTTP/2 on one
// port). Shipyard's ingress targets that port with transport http2: TLS and ALPN end at the ingress, so the app's one
// FQDN on 443 carries gRPC and REST alike (HTTP/1.1 or HTTP/2 from clients, cleartext HTTP/2 to the container, where
// the REST routes answer on every endpoint). The probes keep asking the HTTP/1.1 port. The placeholder image listens
// on 8080 only, so until Shipyard's image is in (the provision after the first deploy, as the probes) the ingress stays there.
var grpcPort = 8081
var ingressTargetPort = usePlaceholder ? targetPort : grpcPort
var ingressTransport = usePlaceholder ? 'auto' : 'http2'

var consumptionProfile = {
  name: 'Consumption'
  workloadProfileType: 'Consumption'
}
var gpuWorkloadProfile = {
  name: gpuWorkloadProfileName
  workloadProfileType: selected.workloadProfileType
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource containerAppsEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: environmentName
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    // Serverless profiles (Consumption, Consumption-GPU-*) take no node counts: replicas are billed per second.
    workloadProfiles: concat([consumptionProfile], gpuProfile == 'None' ? [] : [gpuWorkloadProfile])
  }
}

var healthProbes = [
  {
    type: 'Startup'
    httpGet: {
      path: '/api/health'
      port: targetPort
    }
    // CUDA initialisation and model loading take a while on a cold GPU replica: allow 5 minutes (Container Apps caps
    // failureThreshold at 10 and initialDelaySeconds at 60, so the period carries the length).
    initialDelaySeconds: 10
    periodSeconds: 30
    failureThreshold: 10
  }
  {
    // /api/health answers 503 while models load; readiness keeps traffic away from a replica until they are loaded.
    type: 'Readiness'
    httpGet: {
      path: '/api/health'
      port: targetPort
    }
    periodSeconds: 10
    failureThreshold: 3
  }
  {
    // Liveness only asks whether the process answers (Open Inference Protocol live), so a slow reload never kills it.
    type: 'Liveness'
    httpGet: {
      path: '/v2/health/live'
      port: targetPort
    }
    periodSeconds: 30
    failureThreshold: 3
  }
]

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: appName
  location: location
  tags: union(tags, {
    'azd-service-name': serviceName
  })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: containerAppsEnvironment.id
    workloadProfileName: workloadProfileName
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: ingressTargetPort
        transport: ingressTransport
        allowInsecure: false
      }
      registries: [
        {
          server: registryLoginServer
          identity: identityId
        }
      ]
      secrets: [
        {
          name: 'gpu-app-key'
          value: gpuAppKey
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'shipyard'
          image: usePlaceholder ? placeholderImage : image
          resources: {
            cpu: json(selected.cpu)
            memory: selected.memory
          }
          env: [
            {
              name: 'AzureWebJobsStorage__accountName'
              value: storageAccountName
            }
            {
              name: 'AzureWebJobsStorage__credential'
              value: 'managedidentity'
            }
            {
              name: 'AzureWebJobsStorage__clientId'
              value: identityClientId
            }
            {
              name: 'AZURE_CLIENT_ID'
              value: identityClientId
            }
            {
              name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
              value: applicationInsights.properties.ConnectionString
            }
            {
              name: 'DRIFT_SCHEDULE'
              value: driftSchedule
            }
            {
              name: 'DRIFT_WINDOW'
              value: driftWindow
            }
            {
              name: 'DRIFT_WEBHOOK_URL'
              value: driftWebhookUrl
            }
            {
              name: 'DRIFT_RETRAIN_ON'
              value: 'dataset'
            }
            {
              name: 'DRIFT_MIN_ROWS'
              value: '50'
            }
            {
              name: 'BATCH_MAX_ERROR_RATE'
              value: batchMaxErrorRate
            }
            {
              name: 'BATCH_CHUNK_ROWS'
              value: batchChunkRows
            }
            {
              name: 'STREAM_MAX_DEQUEUE'
              value: streamMaxDequeue
            }
            {
              name: 'Shipyard__PredictionLogSampleRate'
              value: predictionLogSampleRate
            }
            {
              // The function app sends this key (x-functions-key) when it forwards predictions; standalone mode
              // checks it like a Functions function key.
              name: 'Shipyard__Auth__FunctionKeys__0'
              secretRef: 'gpu-app-key'
            }
            {
              name: 'Shipyard__Auth__AllowAnonymous'
              value: 'false'
            }
            {
              // The function app's StreamScore queue trigger and DriftCheck timer do this work; standalone mode would
              // run them again here (twice the drift reports and retraining requests) and need queue access.
              name: 'Shipyard__Streaming__PollerEnabled'
              value: 'false'
            }
            {
              name: 'Shipyard__Drift__Scheduler__Enabled'
              value: 'false'
            }
            {
              name: 'DOTNET_GCgen0size'
              value: '0x1000000'
            }
          ]
          probes: usePlaceholder ? [] : healthProbes
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-concurrency'
            http: {
              metadata: {
                concurrentRequests: string(concurrentRequests)
              }
            }
          }
        ]
      }
    }
  }
}

output id string = app.id
output name string = app.name
output url string = 'https://${app.properties.configuration.ingress.fqdn}'
// Where a gRPC client connects (TLS): host:port, as grpcurl, tritonclient.grpc (ssl=True) and Grpc.Net.Client (https://) take it.
output grpcTarget string = '${app.properties.configuration.ingress.fqdn}:443'
output environmentName string = containerAppsEnvironment.name
