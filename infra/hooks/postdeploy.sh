#!/bin/sh
# azd postdeploy hook: subscribe BatchScore to BlobCreated events of batch-in/ (Flex Consumption runs blob triggers
# only through Event Grid). It runs after `azd deploy` because the webhook needs the host's blobs_extension system
# key, which exists only once the code is deployed. Then it sets SHIPYARD_BATCH_EVENTS=true so that every later
# `azd provision` keeps the same subscription in Bicep (infra/modules/eventgrid.bicep).
# Inputs (azd environment): AZURE_RESOURCE_GROUP, AZURE_FUNCTION_APP_NAME, BATCH_SYSTEM_TOPIC_NAME,
# BATCH_EVENT_SUBSCRIPTION_NAME, SHIPYARD_BATCH_EVENTS.
set -eu

if [ "${SHIPYARD_BATCH_EVENTS:-false}" = "true" ]; then
  echo "postdeploy: the batch-in Event Grid subscription is managed by infra/modules/eventgrid.bicep; nothing to do."
  exit 0
fi

if ! command -v az >/dev/null 2>&1; then
  echo "postdeploy: the Azure CLI (az) is needed to create the Event Grid subscription; install it, run 'az login', then 'azd hooks run postdeploy'." >&2
  exit 1
fi

for name in AZURE_RESOURCE_GROUP AZURE_FUNCTION_APP_NAME BATCH_SYSTEM_TOPIC_NAME BATCH_EVENT_SUBSCRIPTION_NAME; do
  eval "value=\${$name:-}"
  if [ -z "$value" ]; then
    echo "postdeploy: $name is not set in the azd environment; run 'azd provision' first." >&2
    exit 1
  fi
done

# The blob extension registers its key when the host first starts with BatchScore; give a cold app a few minutes.
key=""
attempt=0
while [ -z "$key" ] && [ "$attempt" -lt 30 ]; do
  attempt=$((attempt + 1))
  key=$(az functionapp keys list --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
    --query "systemKeys.blobs_extension" --output tsv 2>/dev/null || true)
  if [ -z "$key" ]; then
    echo "postdeploy: waiting for the blobs_extension key of $AZURE_FUNCTION_APP_NAME (attempt $attempt/30)..."
    sleep 10
  fi
done
if [ -z "$key" ]; then
  echo "postdeploy: the function app has no blobs_extension key. Check that BatchScore was deployed (its blob trigger has Source = EventGrid) and the app starts, then run 'azd hooks run postdeploy'." >&2
  exit 1
fi

host=$(az functionapp show --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" \
  --query defaultHostName --output tsv)

# The endpoint carries the key: never print it.
az eventgrid system-topic event-subscription create \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --system-topic-name "$BATCH_SYSTEM_TOPIC_NAME" \
  --name "$BATCH_EVENT_SUBSCRIPTION_NAME" \
  --endpoint-type webhook \
  --endpoint "https://$host/runtime/webhooks/blobs?functionName=Host.Functions.BatchScore&code=$key" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with /blobServices/default/containers/batch-in/ \
  --max-events-per-batch 1 \
  --max-delivery-attempts 30 \
  --event-ttl 1440 \
  --output none

azd env set SHIPYARD_BATCH_EVENTS true
echo "postdeploy: batch-in BlobCreated events now reach BatchScore ($BATCH_EVENT_SUBSCRIPTION_NAME)."
