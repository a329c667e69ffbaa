export {
  JobRunner,
  installJobSchema,
  JOBS_SCHEMA,
  type JobDefinition,
  type JobRunnerOptions,
  type SendJobOptions,
} from './job-runner';
export { JobsModule, type JobsModuleOptions } from './jobs.module';
export { jobMetrics } from './jobs.metrics';
