// Event Grid source for the BatchScore blob trigger. Flex Consumption has no polling blob trigger: BatchScore's
// BatchScore's [BlobTrigger] says Source = EventGrid, and the storage account's system topic delivers BlobCreated events for
// batch-in/ to the blob extension's webhook on the function app, authenticated with the host's blobs_extension
// system key (the pattern of Microsoft's Flex Consumption Event Grid blob trigger samples).
//
// The key exists only after the code has been deployed and the host has started the blob extension, and Event Grid
// validates the webhook when the subscription is created. So the first `azd provision` creates the topic only;
// infra/hooks/postdeploy.* creates the subscription after `azd deploy` and sets SHIPYARD_BATCH_EVENTS=true, from
// which point every provision manages the same subscription here.

param location string
param tags object
param systemTopicName string
param storageAccountName string
param functionAppName string

@description('Create the subscription (needs the deployed BatchScore function, see above).')
param subscriptionEnabled bool = false

@description('Name of the function that handles the events ([Function] name).')
param functionName string = 'BatchScore'

@description('Container whose new blobs are scored.')
param containerName string = 'batch-in'

var subscriptionName = 'batch-in-to-${toLower(functionName)}'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

// The host's keys: the blobs_extension system key authenticates Event Grid's calls to the blob webhook. Bicep has no
// types for Microsoft.Web/sites/host in any API version (declaring it as a resource is warning BCP081), so the keys are
// read with the listKeys() function on the host's resource id: the same ARM call (POST .../host/default/listkeys).
var hostKeysId = '${functionApp.id}/host/default'
var blobsExtensionKey = listKeys(hostKeysId, functionApp.apiVersion).systemKeys.blobs_extension

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: systemTopicName
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource batchSubscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = if (subscriptionEnabled) {
  parent: systemTopic
  name: subscriptionName
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        // https://<app>.azurewebsites.net/runtime/webhooks/blobs?functionName=Host.Functions.<Name>&code=<blobs_extension key>
        endpointUrl: 'https://${functionApp.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.${functionName}&code=${blobsExtensionKey}'
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/${containerName}/'
      enableAdvancedFilteringOnArrays: true
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output systemTopicName string = systemTopic.name
output subscriptionName string = subscriptionName
