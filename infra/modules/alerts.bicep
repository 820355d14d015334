// "Set up alerts for anomalies": one action group (e-mail) and a rule per failure mode. The telemetry names are the
// team contract (docs/architecture.md, Telemetry): custom events DriftDetected, BatchCompleted (customDimensions.status
// "succeeded" | "failed"), StreamMessagePoisoned, ModelLoaded, metric RowsPerSecond. Request rate and latency come from
// the Functions host's request telemetry and the GPU app's, split by cloud_RoleName so each app alerts on its own.

param location string
param tags object
param actionGroupName string

@description('Receiver of every alert; empty leaves the action group without receivers.')
param alertEmail string = ''

param applicationInsightsName string
param logAnalyticsWorkspaceName string
param functionAppName string
param gpuAppName string

param failedRequestPercent int = 5
param minimumRequests int = 20
param p95LatencyMs int = 1000
param driftEventsThreshold int = 0
param failedBatchesThreshold int = 0
param poisonMessagesThreshold int = 0
param gpuRestartsThreshold int = 0

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' existing = {
  name: logAnalyticsWorkspaceName
}

resource gpuApp 'Microsoft.App/containerApps@2024-03-01' existing = {
  name: gpuAppName
}

var emailReceiver = {
  name: 'shipyard-operators'
  emailAddress: alertEmail
  useCommonAlertSchema: true
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'shipyard'
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [emailReceiver]
  }
}

var byApp = [
  {
    name: 'cloud_RoleName'
    operator: 'Include'
    values: [
      '*'
    ]
  }
]
var byModel = [
  {
    name: 'model'
    operator: 'Include'
    values: [
      '*'
    ]
  }
]

// Share of failed requests per app (function app and GPU app), judged only with enough traffic in the window.
resource failedRequestRate 'Microsoft.Insights/scheduledQueryRules@2022-06-15' = {
  name: 'shipyard-failed-request-rate'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Shipyard: failed request rate above ${failedRequestPercent}%'
    description: 'More than ${failedRequestPercent}% of requests to ${functionAppName} or ${gpuAppName} failed in the last 15 minutes (at least ${minimumRequests} requests).'
    severity: 1
    enabled: true
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    scopes: [
      applicationInsights.id
    ]
    criteria: {
      allOf: [
        {
          query: 'requests\n| summarize total = count(), failed = countif(success == false) by cloud_RoleName\n| where total >= ${minimumRequests}\n| extend failedPercent = 100.0 * failed / total'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'failedPercent'
          dimensions: byApp
          operator: 'GreaterThan'
          threshold: failedRequestPercent
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

resource p95Latency 'Microsoft.Insights/scheduledQueryRules@2022-06-15' = {
  name: 'shipyard-p95-latency'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Shipyard: p95 latency above ${p95LatencyMs} ms'
    description: 'The 95th percentile request duration of an app exceeded ${p95LatencyMs} ms over 15 minutes.'
    severity: 2
    enabled: true
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    scopes: [
      applicationInsights.id
    ]
    criteria: {
      allOf: [
        {
          query: 'requests\n| summarize p95DurationMs = percentile(duration, 95) by cloud_RoleName'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'p95DurationMs'
          dimensions: byApp
          operator: 'GreaterThan'
          threshold: p95LatencyMs
          failingPeriods: {
            numberOfEvaluationPeriods: 2
            minFailingPeriodsToAlert: 2
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// The drift check emits DriftDetected (customDimensions.model, .version) when dataset drift is found.
resource driftDetected 'Microsoft.Insights/scheduledQueryRules@2022-06-15' = {
  name: 'shipyard-drift-detected'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Shipyard: data drift detected'
    description: 'The scheduled drift check found dataset drift for a model; a retraining request was queued (retrain-requests). See drift-reports/<model>/<version>/.'
    severity: 2
    enabled: true
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    scopes: [
      applicationInsights.id
    ]
    criteria: {
      allOf: [
        {
          query: 'customEvents\n| where name == "DriftDetected"\n| extend model = tostring(customDimensions.model)\n| summarize events = count() by model'
          timeAggregation: 'Total'
          metricMeasureColumn: 'events'
          dimensions: byModel
          operator: 'GreaterThan'
          threshold: driftEventsThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: false
    muteActionsDuration: 'PT1H'
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// The scheduled evaluation emits EvaluationBelowTraining (customDimensions.model, .version, .metric, .kind) when
// production's realised or estimated metric falls below its training metric by more than Shipyard:Evaluation:AlertMargin.
resource evaluationBelowTraining 'Microsoft.Insights/scheduledQueryRules@2022-06-15' = {
  name: 'shipyard-evaluation-below-training'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Shipyard: model performance below training'
    description: 'The scheduled evaluation found production\'s realised (outcomes) or estimated (CBPE) metric below its training metric by more than the margin. See drift-reports/<model>/evaluation/ and GET /api/models/<model>/evaluation.'
    severity: 2
    enabled: true
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    scopes: [
      applicationInsights.id
    ]
    criteria: {
      allOf: [
        {
          query: 'customEvents\n| where name == "EvaluationBelowTraining"\n| extend model = tostring(customDimensions.model)\n| summarize events = count() by model'
          timeAggregation: 'Total'
          metricMeasureColumn: 'events'
          dimensions: byModel
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: false
    muteActionsDuration: 'PT1H'
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// Batch scoring emits BatchCompleted for every batch with customDimensions.status "succeeded" or "failed".
resource failedBatches 'Microsoft.Insights/scheduledQueryRules@2022-06-15' = {
  name: 'shipyard-failed-batches'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Shipyard: batch scoring failed'
    description: 'A batch in batch-in finished with status failed (error rate above BATCH_MAX_ERROR_RATE, or unreadable). See batch-out/<model>/<stem>.report.json and .errors.csv.'
    severity: 2
    enabled: true
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    scopes: [
      applicationInsights.id
    ]
    criteria: {
      allOf: [
        {
          query: 'customEvents\n| where name == "BatchCompleted" and tostring(customDimensions.status) == "failed"\n| extend model = tostring(customDimensions.model)\n| summarize batches = count() by model'
          timeAggregation: 'Total'
          metricMeasureColumn: 'batches'
          dimensions: byModel
          operator: 'GreaterThan'
          threshold: failedBatchesThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: false
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// Poison messages: the Functions host moves a score-requests message to score-requests-poison after
// STREAM_MAX_DEQUEUE failed deliveries. Seen two ways, either is enough: the queue's write log (diagnostic setting in
// storage.bicep) and the StreamMessagePoisoned event the handler emits on the last failed attempt. The tables appear
// only with their first rows, hence isfuzzy and skipQueryValidation.
resource poisonMessages 'Microsoft.Insights/scheduledQueryRules@2022-06-15' = {
  name: 'shipyard-poison-messages'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Shipyard: messages in score-requests-poison'
    description: 'Stream scoring gave up on messages after STREAM_MAX_DEQUEUE attempts; they wait in the score-requests-poison queue.'
    severity: 2
    enabled: true
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    scopes: [
      workspace.id
    ]
    criteria: {
      allOf: [
        {
          query: 'union isfuzzy=true\n  (StorageQueueLogs | where OperationName == "PutMessage" and ObjectKey has "score-requests-poison" | project TimeGenerated),\n  (AppEvents | where Name == "StreamMessagePoisoned" | project TimeGenerated)\n| summarize messages = count()'
          timeAggregation: 'Total'
          metricMeasureColumn: 'messages'
          operator: 'GreaterThan'
          threshold: poisonMessagesThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    skipQueryValidation: true
    autoMitigate: false
    actions: {
      actionGroups: [
        actionGroup.id
      ]
    }
  }
}

// GPU replicas restarting: crash loops, failed health probes, CUDA out of memory.
resource gpuRestarts 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: 'shipyard-gpu-app-restarts'
  location: 'global'
  tags: tags
  properties: {
    description: 'Replicas of ${gpuAppName} restarted more than ${gpuRestartsThreshold} times in 15 minutes. Check ContainerAppSystemLogs_CL and ContainerAppConsoleLogs_CL in Log Analytics.'
    severity: 1
    enabled: true
    scopes: [
      gpuApp.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'replica-restarts'
          metricNamespace: 'Microsoft.App/containerApps'
          metricName: 'RestartCount'
          operator: 'GreaterThan'
          threshold: gpuRestartsThreshold
          timeAggregation: 'Total'
        }
      ]
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

output actionGroupId string = actionGroup.id
