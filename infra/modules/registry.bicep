// Container registry for the GPU app's image. No admin user and no anonymous pull: the GPU app pulls with its
// user-assigned identity (AcrPull, see identity.bicep), azd builds and pushes with the deployer's Entra ID token.
// API 2025-04-01: the first GA version whose schema has anonymousPullEnabled (2023-07-01 rejects it, BCP037).

param location string
param tags object

@minLength(5)
@maxLength(50)
param name string

@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param sku string = 'Basic'

resource registry 'Microsoft.ContainerRegistry/registries@2025-04-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
  }
  properties: {
    adminUserEnabled: false
    anonymousPullEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

output id string = registry.id
output name string = registry.name
output loginServer string = registry.properties.loginServer
