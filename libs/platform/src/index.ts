export {
  DomainError,
  validationFailed,
  STATUS_BY_KIND,
  type ErrorKind,
  type FieldProblem,
  type DomainErrorExtra,
} from './errors/domain-error';
export { toProblem, problem, problemType, PROBLEM_CONTENT_TYPE, type Problem } from './errors/problem';
export { ProblemFilter } from './errors/problem.filter';
export {
  createValidationPipe,
  flattenValidationErrors,
  PlatformValidationPipe,
  ParseUuidPipe,
} from './validation/validation.pipe';
export { loadConfig, ConfigError, type ConfigProblem } from './config/load-config';
export { ServiceConfig, SERVICE_CONFIG } from './config/service-config';
export {
  DEFAULT_ROLE_PERMISSIONS,
  permissionsForRoles,
  grants,
  parseRolePermissions,
  type RolePermissions,
} from './auth/permissions';
export type { Principal } from './auth/principal';
export { RequirePermission, Public, CurrentPrincipal, IS_PUBLIC, REQUIRED_PERMISSIONS } from './auth/auth.decorators';
export { TokenVerifier, type TokenVerifierOptions, type VerifyOptions } from './auth/token-verifier';
export { INTERNAL_TOKEN_TYPE, INTERNAL_TOKEN_ISSUER, INTERNAL_TOKEN_AUDIENCE } from './auth/internal-token';
export { AuthGuard } from './auth/auth.guard';
export { signToken, signDevToken, type TokenOptions, type DevTokenOptions } from './auth/dev-token';
export { JsonLogger } from './logging/json-logger';
export { redactLogText } from './logging/redact';
export { metricsRegistry, httpRequestDuration, installHttpMetrics } from './metrics/metrics.registry';
export { MetricsController } from './metrics/metrics.controller';
export {
  HealthRegistry,
  HEALTH_CHECKS,
  registerHealthCheck,
  type HealthCheck,
  type CheckResult,
} from './health/health.registry';
export { HealthController } from './health/health.controller';
export { buildOpenApiDocument, serveOpenApi, OPENAPI_PATH } from './openapi/openapi';
export { completeDocument, REQUIRED_PERMISSION_EXTENSION } from './openapi/complete-document';
export { ApiProblem, ApiIfMatch, ApiPage } from './openapi/api-decorators';
export { answerViolations, operationsWithoutAnswerSchema, type OpenApiDocument } from './openapi/answer-conformance';
export {
  PROBLEM_SCHEMA,
  PROBLEM_SCHEMA_REF,
  IF_MATCH_PARAMETER,
  IF_MATCH_PARAMETER_REF,
} from './openapi/problem-schema';
export { PlatformModule, type PlatformModuleOptions } from './bootstrap/platform.module';
export { createServiceApp, runService, type ServiceOptions } from './bootstrap/service-app';
export { REQUEST_ID_HEADER } from './bootstrap/request-id';
export { clientPath, forwardedPrefix, FORWARDED_PREFIX_HEADER } from './errors/client-path';
export { errorFactory, problemFactory, type ErrorCatalogue } from './errors/error-catalogue';
export { findUnstorableInput, unstorableText, MAX_INPUT_DEPTH } from './validation/input-guard';
export { PageQueryDto, type Page } from './validation/page-query.dto';
export { parseIfMatch } from './validation/if-match';
export { CreatedLocationInterceptor } from './bootstrap/location';
export {
  configureRefusedBodies,
  discardRest,
  DISCARD_AT_MOST,
  type RefusedBodySettings,
} from './bootstrap/refused-body';
export { reclaimStreamBuffers } from './streams/reclaim-stream-buffers';
export { NamespacedNatsServer, rpcNamespace, rpcSubject } from './bootstrap/namespaced-nats';
