// Two user-assigned managed identities, each with only the roles its app needs, each role assigned by its built-in
// role definition id at the narrowest scope that works (the resource, not the resource group):
// - the function app's: Functions host storage (blobs, queues) and Entra ID telemetry;
// - the GPU app's: read and write blobs where it scores (models, batch input and output, prediction logs) and pull its
//   image. It runs no queue poller and no drift scheduler (gpu.bicep turns both off: the function app's StreamScore and
//   DriftCheck do that work), so it gets no queue role, no Blob Data Owner and no Metrics Publisher.
// The deployer (principalId) gets data-plane access so azd hooks and the docs' az commands work without keys, and what
// azd's remote build of the GPU image needs (azure.yaml `remoteBuild: true` queues an ACR Tasks run, then pushes).

param location string
param tags object
param functionAppIdentityName string
param gpuAppIdentityName string
param storageAccountName string
param registryName string
param applicationInsightsName string

@description('Deployer object id; empty skips the deployer role assignments.')
param principalId string = ''

@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

// Built-in role definition ids: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
var roles = {
  // Functions host storage with an identity needs Blob Data Owner (blob leases for the singleton timer lock and
  // the blob trigger's receipts); the app's own registry/batch/log writes need no more than that.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  // score-requests / score-results / retrain-requests, and the blob trigger's poison queue.
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Entra ID-authenticated ingestion into Application Insights.
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  acrPush: '8311e382-0749-4cb8-b61a-304f252e45ec'
  // Queue an ACR Tasks run (registries/scheduleRun/action, listBuildSourceUploadUrl): what `az acr build` and azd's
  // remoteBuild do. AcrPush alone cannot start a build.
  containerRegistryTasksContributor: 'fb382eab-e894-4461-af04-94435c366c3f'
}

resource functionAppIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: functionAppIdentityName
  location: location
  tags: tags
}

resource gpuAppIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: gpuAppIdentityName
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' existing = {
  name: registryName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// ---- Function app ----

resource appBlobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionAppIdentity.id, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: functionAppIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource appQueueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, functionAppIdentity.id, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: functionAppIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource appMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, functionAppIdentity.id, roles.monitoringMetricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: functionAppIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---- GPU app ----

resource gpuBlobDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, gpuAppIdentity.id, roles.storageBlobDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: gpuAppIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource gpuAcrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, gpuAppIdentity.id, roles.acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
    principalId: gpuAppIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---- Deployer ----

resource deployerBlobDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(storage.id, principalId, roles.storageBlobDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: principalId
    principalType: principalType
  }
}

resource deployerQueueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(storage.id, principalId, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: principalId
    principalType: principalType
  }
}

resource deployerAcrPush 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(registry.id, principalId, roles.acrPush)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPush)
    principalId: principalId
    principalType: principalType
  }
}

resource deployerAcrTasks 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(registry.id, principalId, roles.containerRegistryTasksContributor)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.containerRegistryTasksContributor)
    principalId: principalId
    principalType: principalType
  }
}

output functionAppIdentityId string = functionAppIdentity.id
output functionAppClientId string = functionAppIdentity.properties.clientId
output gpuAppIdentityId string = gpuAppIdentity.id
output gpuAppClientId string = gpuAppIdentity.properties.clientId
