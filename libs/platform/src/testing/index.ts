export {
  contractProblems,
  lintOpenApi,
  oasErrors,
  operationsOf,
  unboundedRequestFields,
  type CheckedDocument,
  type CheckedOperation,
  type ContractRules,
  type OperationEntry,
} from './openapi-checks';
export { announceListening, spawnServiceProcess, WORKSPACE, type ServiceProcess } from './service-process';
