package toolhive

// The CRD's structural constraints (enum, pattern, length, item and
// property counts, list-type set/map) of ToolHive v0.62.0 (the same in v0.63.0), by schema path
// ("[]" for list items, "{}" for map values). The API server enforces them at
// admission, before the operator ever sees the object, so offline they are
// schema errors. TestConstraintsMatchCRDs keeps these tables equal to the
// CRDs. Shared subtrees (the embedded auth server, the vMCP config, composite
// tools) are written once and mounted where each kind embeds them.
//
// Left out on purpose, because a rule of their own reports them with a
// precise message (see VirtualMCPServer.Validate): the enums of
// spec.incomingAuth.type, spec.outgoingAuth.source and the backends' and
// default's type, spec.serviceType, spec.sessionAffinity,
// spec.sessionStorage.provider, spec.config.aggregation.conflictResolution
// and composite tool step types, spec.replicas' minimum, and the minimum
// length of spec.groupRef.name, spec.incomingAuth.oidcConfigRef.name and
// spec.sessionStorage.address.

func authServerSchema() constraints {
	return constraints{
		"authorizationEndpointBaseUrl":                                                  {pattern: `^https?://[^\s?#]+[^/\s?#]$`},
		"baselineClientScopes":                                                          {maxItems: n(10)},
		"baselineClientScopes[]":                                                        {pattern: `^[\x21\x23-\x5B\x5D-\x7E]+$`, minLength: n(1)},
		"cimd.cacheFallbackTtl":                                                         {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"cimd.cacheMaxSize":                                                             {minimum: n(1)},
		"delegateClients":                                                               {maxItems: n(10)},
		"delegateClients[].audiences":                                                   {maxItems: n(10), minItems: n(1)},
		"delegateClients[].audiences[]":                                                 {maxLength: n(2048), minLength: n(1)},
		"delegateClients[].clientId":                                                    {maxLength: n(256), minLength: n(1)},
		"delegateClients[].scopes":                                                      {maxItems: n(10), minItems: n(1)},
		"delegateClients[].scopes[]":                                                    {maxLength: n(256), minLength: n(1)},
		"forceConfidentialRedirectUris":                                                 {maxItems: n(10)},
		"forceConfidentialRedirectUris[]":                                               {pattern: `^https://[^\s?#]+$`},
		"inboundGrants.jwtBearer.issuerPolicies":                                        {maxItems: n(20)},
		"inboundGrants.jwtBearer.issuerPolicies[].acceptedAudiences":                    {maxItems: n(50)},
		"inboundGrants.jwtBearer.issuerPolicies[].acceptedAudiences[]":                  {pattern: `^https?://[^[:space:]]+$`, maxLength: n(2048), minLength: n(1)},
		"inboundGrants.jwtBearer.issuerPolicies[].issuerRef":                            {maxLength: n(253), minLength: n(1)},
		"inboundGrants.jwtBearer.issuerPolicies[].subjectBindings":                      {maxItems: n(50), minItems: n(1)},
		"inboundGrants.jwtBearer.issuerPolicies[].subjectBindings[].allowedResources":   {maxItems: n(50), minItems: n(1)},
		"inboundGrants.jwtBearer.issuerPolicies[].subjectBindings[].allowedResources[]": {pattern: `^https?://[^[:space:]]+$`, maxLength: n(2048), minLength: n(1)},
		"inboundGrants.jwtBearer.issuerPolicies[].subjectBindings[].subject":            {pattern: `^[^*]+$`, maxLength: n(256), minLength: n(1)},
		"inboundGrants.spiffeClientAuth":                                                {maxItems: n(100)},
		"inboundGrants.spiffeClientAuth[].audiences":                                    {maxItems: n(50), minItems: n(1), set: true},
		"inboundGrants.spiffeClientAuth[].audiences[]":                                  {maxLength: n(2048), minLength: n(1)},
		"inboundGrants.spiffeClientAuth[].clientId":                                     {maxLength: n(253), minLength: n(1)},
		"inboundGrants.spiffeClientAuth[].methods":                                      {maxItems: n(2), minItems: n(1), set: true},
		"inboundGrants.spiffeClientAuth[].methods[]":                                    {enum: []string{"spiffe_x509", "spiffe_jwt"}},
		"inboundGrants.spiffeClientAuth[].principalPattern":                             {pattern: `^spiffe://[a-z0-9._-]+((/[a-zA-Z0-9._-]+)+(/\*)?|/\*)$`, maxLength: n(2048)},
		"inboundGrants.spiffeClientAuth[].resources":                                    {maxItems: n(50), set: true},
		"inboundGrants.spiffeClientAuth[].resources[]":                                  {pattern: `^https?://[^@#[:space:]]+$`, maxLength: n(2048), minLength: n(1)},
		"inboundGrants.spiffeClientAuth[].scopes":                                       {maxItems: n(50), minItems: n(1), set: true},
		"inboundGrants.spiffeClientAuth[].scopes[]":                                     {maxLength: n(256), minLength: n(1)},
		"inboundGrants.spiffeClientAuth[].trustDomainRef":                               {maxLength: n(253), minLength: n(1)},
		"inboundGrants.tokenExchange.delegateClients":                                   {maxItems: n(10)},
		"inboundGrants.tokenExchange.delegateClients[].audiences":                       {maxItems: n(10), minItems: n(1)},
		"inboundGrants.tokenExchange.delegateClients[].audiences[]":                     {maxLength: n(2048), minLength: n(1)},
		"inboundGrants.tokenExchange.delegateClients[].clientId":                        {maxLength: n(256), minLength: n(1)},
		"inboundGrants.tokenExchange.delegateClients[].scopes":                          {maxItems: n(10), minItems: n(1)},
		"inboundGrants.tokenExchange.delegateClients[].scopes[]":                        {maxLength: n(256), minLength: n(1)},
		"inboundGrants.tokenExchange.issuerPolicies":                                    {maxItems: n(20)},
		"inboundGrants.tokenExchange.issuerPolicies[].actorClaim":                       {maxLength: n(64)},
		"inboundGrants.tokenExchange.issuerPolicies[].actorMatcher":                     {maxLength: n(4096)},
		"inboundGrants.tokenExchange.issuerPolicies[].allowedActors":                    {maxItems: n(50)},
		"inboundGrants.tokenExchange.issuerPolicies[].allowedActors[]":                  {maxLength: n(256), minLength: n(1)},
		"inboundGrants.tokenExchange.issuerPolicies[].allowedDelegateClients":           {maxItems: n(50), minItems: n(1)},
		"inboundGrants.tokenExchange.issuerPolicies[].allowedDelegateClients[]":         {maxLength: n(256), minLength: n(1)},
		"inboundGrants.tokenExchange.issuerPolicies[].expectedAudience":                 {maxLength: n(2048), minLength: n(1)},
		"inboundGrants.tokenExchange.issuerPolicies[].issuerRef":                        {maxLength: n(253), minLength: n(1)},
		"issuer":                          {pattern: `^https?://[^\s?#]+[^/\s?#]$`},
		"primaryUpstreamProvider":         {pattern: `^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`, maxLength: n(63), minLength: n(1)},
		"registrationRateLimit.maxTokens": {minimum: n(1)},
		"signingKeySecretRefs":            {maxItems: n(5)},
		"spiffeTrustDomains":              {maxItems: n(50), minItems: n(1)},
		"spiffeTrustDomains[].bundleSource.endpoint.profile":                    {enum: []string{"https_web", "https_spiffe"}},
		"spiffeTrustDomains[].bundleSource.endpoint.url":                        {maxLength: n(2048), minLength: n(1)},
		"spiffeTrustDomains[].bundleSource.file.configMapKey":                   {pattern: `^[A-Za-z0-9._-]+$`, maxLength: n(253), minLength: n(1)},
		"spiffeTrustDomains[].bundleSource.file.configMapName":                  {pattern: `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`, maxLength: n(253), minLength: n(1)},
		"spiffeTrustDomains[].bundleSource.type":                                {enum: []string{"bundle_endpoint", "file", "workload_api"}},
		"spiffeTrustDomains[].methods":                                          {maxItems: n(2), minItems: n(1), set: true},
		"spiffeTrustDomains[].methods[]":                                        {enum: []string{"spiffe_x509", "spiffe_jwt"}},
		"spiffeTrustDomains[].name":                                             {maxLength: n(253), minLength: n(1)},
		"spiffeTrustDomains[].trustDomain":                                      {pattern: `^([a-z0-9_]|[a-z0-9_]([a-z0-9_-]|\.[a-z0-9_-])*[a-z0-9_])$`, maxLength: n(255), minLength: n(1)},
		"storage.maxDCRClients":                                                 {minimum: n(0)},
		"storage.redis.dialTimeout":                                             {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"storage.redis.readTimeout":                                             {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"storage.redis.writeTimeout":                                            {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"storage.type":                                                          {enum: []string{"memory", "redis"}},
		"tokenLifespans.accessTokenLifespan":                                    {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"tokenLifespans.authCodeLifespan":                                       {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"tokenLifespans.refreshTokenLifespan":                                   {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"trustedIssuers":                                                        {maxItems: n(20)},
		"trustedIssuers[].actorClaim":                                           {maxLength: n(64)},
		"trustedIssuers[].actorMatcher":                                         {maxLength: n(4096)},
		"trustedIssuers[].allowedActors":                                        {maxItems: n(50)},
		"trustedIssuers[].allowedActors[]":                                      {maxLength: n(256), minLength: n(1)},
		"trustedIssuers[].allowedDelegateClients":                               {maxItems: n(50), minItems: n(1)},
		"trustedIssuers[].allowedDelegateClients[]":                             {maxLength: n(256), minLength: n(1)},
		"trustedIssuers[].expectedAudience":                                     {maxLength: n(2048), minLength: n(1)},
		"trustedIssuers[].issuerUrl":                                            {maxLength: n(2048), minLength: n(1)},
		"trustedIssuers[].jwksUrl":                                              {maxLength: n(2048)},
		"trustedIssuers[].jwtBearerGrant.acceptedAudiences":                     {maxItems: n(50)},
		"trustedIssuers[].jwtBearerGrant.acceptedAudiences[]":                   {pattern: `^https?://[^[:space:]]+$`, maxLength: n(2048), minLength: n(1)},
		"trustedIssuers[].jwtBearerGrant.subjectBindings":                       {maxItems: n(50), minItems: n(1)},
		"trustedIssuers[].jwtBearerGrant.subjectBindings[].allowedResources":    {maxItems: n(50), minItems: n(1)},
		"trustedIssuers[].jwtBearerGrant.subjectBindings[].allowedResources[]":  {pattern: `^https?://[^[:space:]]+$`, maxLength: n(2048), minLength: n(1)},
		"trustedIssuers[].jwtBearerGrant.subjectBindings[].subject":             {pattern: `^[^*]+$`, maxLength: n(256), minLength: n(1)},
		"trustedIssuers[].name":                                                 {maxLength: n(253), minLength: n(1)},
		"upstreamProviders":                                                     {mapKeys: []string{"name"}},
		"upstreamProviders[].name":                                              {pattern: `^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`, maxLength: n(63), minLength: n(1)},
		"upstreamProviders[].oauth2Config.additionalAuthorizationParams":        {maxProperties: n(16)},
		"upstreamProviders[].oauth2Config.additionalTokenParams":                {maxProperties: n(16)},
		"upstreamProviders[].oauth2Config.authorizationEndpoint":                {pattern: `^https?://.*$`},
		"upstreamProviders[].oauth2Config.dcrConfig.discoveryUrl":               {pattern: `^https://[^\s?#]+[^/\s?#]$`, maxLength: n(2048)},
		"upstreamProviders[].oauth2Config.dcrConfig.registrationEndpoint":       {pattern: `^https://[^\s?#]+[^/\s?#]$`, maxLength: n(2048)},
		"upstreamProviders[].oauth2Config.dcrConfig.registrationProbe":          {enum: []string{"tokenEndpoint", "authorizationEndpoint", "none"}},
		"upstreamProviders[].oauth2Config.dcrConfig.registrationProbeInterval":  {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"upstreamProviders[].oauth2Config.dcrConfig.rotationKey":                {pattern: `^[A-Za-z0-9._-]+$`, maxLength: n(64)},
		"upstreamProviders[].oauth2Config.dcrConfig.softwareId":                 {maxLength: n(255)},
		"upstreamProviders[].oauth2Config.dcrConfig.softwareStatement":          {maxLength: n(16384)},
		"upstreamProviders[].oauth2Config.identityFromToken.emailPath":          {maxLength: n(256), minLength: n(1)},
		"upstreamProviders[].oauth2Config.identityFromToken.namePath":           {maxLength: n(256), minLength: n(1)},
		"upstreamProviders[].oauth2Config.identityFromToken.subjectPath":        {maxLength: n(256), minLength: n(1)},
		"upstreamProviders[].oauth2Config.tokenEndpoint":                        {pattern: `^https?://.*$`},
		"upstreamProviders[].oauth2Config.tokenEndpointAuthMethod":              {enum: []string{"none", "client_secret_basic", "client_secret_post"}},
		"upstreamProviders[].oauth2Config.tokenResponseMapping.accessTokenPath": {minLength: n(1)},
		"upstreamProviders[].oauth2Config.userInfo.endpointUrl":                 {pattern: `^https?://.*$`},
		"upstreamProviders[].oauth2Config.userInfo.httpMethod":                  {enum: []string{"GET", "POST"}},
		"upstreamProviders[].oidcConfig.additionalAuthorizationParams":          {maxProperties: n(16)},
		"upstreamProviders[].oidcConfig.additionalTokenParams":                  {maxProperties: n(16)},
		"upstreamProviders[].oidcConfig.dcrConfig.discoveryUrl":                 {pattern: `^https://[^\s?#]+[^/\s?#]$`, maxLength: n(2048)},
		"upstreamProviders[].oidcConfig.dcrConfig.registrationEndpoint":         {pattern: `^https://[^\s?#]+[^/\s?#]$`, maxLength: n(2048)},
		"upstreamProviders[].oidcConfig.dcrConfig.registrationProbe":            {enum: []string{"tokenEndpoint", "authorizationEndpoint", "none"}},
		"upstreamProviders[].oidcConfig.dcrConfig.registrationProbeInterval":    {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"upstreamProviders[].oidcConfig.dcrConfig.rotationKey":                  {pattern: `^[A-Za-z0-9._-]+$`, maxLength: n(64)},
		"upstreamProviders[].oidcConfig.dcrConfig.softwareId":                   {maxLength: n(255)},
		"upstreamProviders[].oidcConfig.dcrConfig.softwareStatement":            {maxLength: n(16384)},
		"upstreamProviders[].oidcConfig.issuerUrl":                              {pattern: `^https://.*$`},
		"upstreamProviders[].oidcConfig.subjectClaim":                           {pattern: `^([a-zA-Z_][a-zA-Z0-9_]*)?$`, maxLength: n(128)},
		"upstreamProviders[].oidcConfig.userInfoOverride.endpointUrl":           {pattern: `^https?://.*$`},
		"upstreamProviders[].oidcConfig.userInfoOverride.httpMethod":            {enum: []string{"GET", "POST"}},
		"upstreamProviders[].type":                                              {enum: []string{"oidc", "oauth2"}},
	}
}

func compositeToolSchema() constraints {
	return constraints{
		"output.properties{}.type":   {enum: []string{"string", "integer", "number", "boolean", "object", "array"}},
		"steps[].onCancel.action":    {enum: []string{"skip_remaining", "abort", "continue"}},
		"steps[].onDecline.action":   {enum: []string{"skip_remaining", "abort", "continue"}},
		"steps[].onError.action":     {enum: []string{"abort", "continue", "retry"}},
		"steps[].onError.retryDelay": {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"steps[].timeout":            {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"timeout":                    {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
	}
}

func vmcpConfigSchema() constraints {
	return constraints{
		"aggregation.defaultToolVisibility": {enum: []string{"allow", "deny"}},
		"audit.maxDelegationDepth":          {minimum: n(1)},
		"backends[].transport":              {enum: []string{"sse", "streamable-http"}},
		"backends[].type":                   {enum: []string{"entry", ""}},
		"backends[].url":                    {pattern: `^https?://`},
		"codeMode.parallelMaxConcurrency":   {minimum: n(1)},
		"codeMode.stepLimit":                {minimum: n(1)},
		"codeMode.toolCallTimeout":          {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"incomingAuth.oidc.issuer":          {pattern: `^https?://`},
		"operational.failureHandling.circuitBreaker.failureThreshold": {minimum: n(1)},
		"operational.failureHandling.circuitBreaker.timeout":          {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"operational.failureHandling.healthCheckInterval":             {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"operational.failureHandling.healthCheckTimeout":              {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"operational.failureHandling.partialFailureMode":              {enum: []string{"fail", "best_effort"}},
		"operational.failureHandling.statusReportingInterval":         {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"operational.listChanged.disabledWorkloads":                   {set: true},
		"operational.logLevel":                                        {enum: []string{"debug"}},
		"operational.timeouts.backendInit":                            {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"operational.timeouts.default":                                {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"operational.timeouts.perWorkload{}":                          {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"optimizer.embeddingHeaders":                                  {maxProperties: n(32)},
		"optimizer.embeddingHeaders{}":                                {pattern: `^[^\x00-\x08\x0A-\x1F\x7F]*$`, maxLength: n(8192), minLength: n(1)},
		"optimizer.embeddingProvider":                                 {enum: []string{"tei", "openai"}},
		"optimizer.embeddingServiceTimeout":                           {pattern: `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`},
		"optimizer.hybridSearchSemanticRatio":                         {pattern: `^([0-9]*[.])?[0-9]+$`},
		"optimizer.maxToolsToReturn":                                  {maximum: n(50), minimum: n(1)},
		"optimizer.semanticDistanceThreshold":                         {pattern: `^([0-9]*[.])?[0-9]+$`},
		"rateLimiting.perUser.maxTokens":                              {minimum: n(1)},
		"rateLimiting.shared.maxTokens":                               {minimum: n(1)},
		"rateLimiting.tools":                                          {mapKeys: []string{"name"}},
		"rateLimiting.tools[].name":                                   {minLength: n(1)},
		"rateLimiting.tools[].perUser.maxTokens":                      {minimum: n(1)},
		"rateLimiting.tools[].shared.maxTokens":                       {minimum: n(1)},
		"sessionStorage.db":                                           {minimum: n(0)},
		"sessionStorage.provider":                                     {enum: []string{"memory", "redis"}},
	}
}

func virtualMCPServerSchema() constraints {
	return constraints{
		"spec.authServerUpstreamFilter.claim":                          {maxLength: n(253), minLength: n(1)},
		"spec.authServerUpstreamFilter.defaultUpstreams":               {maxItems: n(100), set: true},
		"spec.authServerUpstreamFilter.rules":                          {maxItems: n(100), minItems: n(1)},
		"spec.authServerUpstreamFilter.rules[].groups":                 {maxItems: n(100), minItems: n(1), set: true},
		"spec.authServerUpstreamFilter.rules[].upstreamProviders":      {maxItems: n(100), minItems: n(1), set: true},
		"spec.incomingAuth.authzConfig.groupClaimName":                 {maxLength: n(253)},
		"spec.incomingAuth.authzConfig.groupEntityType":                {pattern: `^[A-Za-z_][A-Za-z0-9_]*$`, maxLength: n(63)},
		"spec.incomingAuth.authzConfig.inline.policies":                {minItems: n(1)},
		"spec.incomingAuth.authzConfig.inline.primaryUpstreamProvider": {pattern: `^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`, maxLength: n(63), minLength: n(1)},
		"spec.incomingAuth.authzConfig.roleClaimName":                  {maxLength: n(253)},
		"spec.incomingAuth.authzConfig.type":                           {enum: []string{"configMap", "inline"}},
		"spec.incomingAuth.authzConfigRef.name":                        {minLength: n(1)},
		"spec.incomingAuth.oidcConfigRef.audience":                     {minLength: n(1)},
		"spec.sessionStorage.db":                                       {minimum: n(0)},
		"spec.telemetryConfigRef.name":                                 {minLength: n(1)},
	}
}

func externalAuthConfigSchema() constraints {
	return constraints{
		"spec.awsSts.fallbackRoleArn":         {pattern: `^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role/[\w+=,.@\-_/]+$`},
		"spec.awsSts.region":                  {pattern: `^[a-z]{2}(-[a-z]+)+-\d+$`, minLength: n(1)},
		"spec.awsSts.roleMappings[].claim":    {minLength: n(1)},
		"spec.awsSts.roleMappings[].matcher":  {minLength: n(1)},
		"spec.awsSts.roleMappings[].priority": {minimum: n(0)},
		"spec.awsSts.roleMappings[].roleArn":  {pattern: `^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role/[\w+=,.@\-_/]+$`},
		"spec.awsSts.sessionDuration":         {maximum: n(43200), minimum: n(900)},
		"spec.headerInjection.headerName":     {minLength: n(1)},
		"spec.obo.authority":                  {pattern: `^https://[^\s?#@]+[^/\s?#@]$`},
		"spec.obo.scopes":                     {maxItems: n(20)},
		"spec.obo.scopes[]":                   {maxLength: n(256), minLength: n(1)},
		"spec.obo.subjectTokenProviderName":   {pattern: `^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`, maxLength: n(63), minLength: n(1)},
		"spec.obo.tenantId":                   {pattern: `^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,})$`, maxLength: n(253)},
		"spec.tokenExchange.subjectTokenType": {pattern: `^(access_token|id_token|jwt|urn:ietf:params:oauth:token-type:(access_token|id_token|jwt))?$`},
		"spec.type":                           {enum: []string{"tokenExchange", "headerInjection", "bearerToken", "unauthenticated", "embeddedAuthServer", "awsSts", "upstreamInject", "obo", "xaa"}},
		"spec.upstreamInject.providerName":    {minLength: n(1)},
		"spec.xaa.idpTokenUrl":                {pattern: `^https://.*$`},
		"spec.xaa.subjectTokenType":           {enum: []string{"urn:ietf:params:oauth:token-type:id_token"}},
	}
}

func oidcConfigSchema() constraints {
	return constraints{
		"spec.type": {enum: []string{"kubernetesServiceAccount", "inline"}},
	}
}

func authzConfigSchema() constraints {
	return constraints{
		"spec.type": {minLength: n(1)},
	}
}

func telemetryConfigSchema() constraints {
	return constraints{
		"spec.openTelemetry.sensitiveHeaders":        {mapKeys: []string{"name"}},
		"spec.openTelemetry.sensitiveHeaders[].name": {minLength: n(1)},
		"spec.openTelemetry.tracing.samplingRate":    {pattern: `^(0(\.\d+)?|1(\.0+)?)$`},
	}
}

func toolConfigSchema() constraints {
	return constraints{
		"spec.toolsFilter": {set: true},
	}
}

func compositeToolDefinitionSchema() constraints {
	return constraints{}
}
