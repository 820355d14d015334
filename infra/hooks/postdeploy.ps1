# azd postdeploy hook (Windows): the same steps as postdeploy.sh. Subscribes BatchScore to BlobCreated events of
# batch-in/ once the code (and so the host's blobs_extension key) exists, then sets SHIPYARD_BATCH_EVENTS=true so
# later provisions keep the subscription in Bicep (infra/modules/eventgrid.bicep).
$ErrorActionPreference = 'Stop'

if ($env:SHIPYARD_BATCH_EVENTS -eq 'true') {
    Write-Host 'postdeploy: the batch-in Event Grid subscription is managed by infra/modules/eventgrid.bicep; nothing to do.'
    exit 0
}

if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    Write-Error "postdeploy: the Azure CLI (az) is needed to create the Event Grid subscription; install it, run 'az login', then 'azd hooks run postdeploy'."
    exit 1
}

foreach ($name in 'AZURE_RESOURCE_GROUP', 'AZURE_FUNCTION_APP_NAME', 'BATCH_SYSTEM_TOPIC_NAME', 'BATCH_EVENT_SUBSCRIPTION_NAME') {
    if (-not [Environment]::GetEnvironmentVariable($name)) {
        Write-Error "postdeploy: $name is not set in the azd environment; run 'azd provision' first."
        exit 1
    }
}

$key = ''
for ($attempt = 1; $attempt -le 30 -and -not $key; $attempt++) {
    $key = az functionapp keys list --resource-group $env:AZURE_RESOURCE_GROUP --name $env:AZURE_FUNCTION_APP_NAME `
        --query 'systemKeys.blobs_extension' --output tsv 2>$null
    if (-not $key) {
        Write-Host "postdeploy: waiting for the blobs_extension key of $($env:AZURE_FUNCTION_APP_NAME) (attempt $attempt/30)..."
        Start-Sleep -Seconds 10
    }
}
if (-not $key) {
    Write-Error "postdeploy: the function app has no blobs_extension key. Check that BatchScore was deployed and the app starts, then run 'azd hooks run postdeploy'."
    exit 1
}

$hostName = az functionapp show --resource-group $env:AZURE_RESOURCE_GROUP --name $env:AZURE_FUNCTION_APP_NAME `
    --query defaultHostName --output tsv

# The endpoint carries the key: never print it.
az eventgrid system-topic event-subscription create `
    --resource-group $env:AZURE_RESOURCE_GROUP `
    --system-topic-name $env:BATCH_SYSTEM_TOPIC_NAME `
    --name $env:BATCH_EVENT_SUBSCRIPTION_NAME `
    --endpoint-type webhook `
    --endpoint "https://$hostName/runtime/webhooks/blobs?functionName=Host.Functions.BatchScore&code=$key" `
    --included-event-types Microsoft.Storage.BlobCreated `
    --subject-begins-with /blobServices/default/containers/batch-in/ `
    --max-events-per-batch 1 `
    --max-delivery-attempts 30 `
    --event-ttl 1440 `
    --output none
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }

azd env set SHIPYARD_BATCH_EVENTS true
Write-Host "postdeploy: batch-in BlobCreated events now reach BatchScore ($($env:BATCH_EVENT_SUBSCRIPTION_NAME))."
