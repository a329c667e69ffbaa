export { startTelemetry, shutdownTelemetry, tracesExported, type TelemetryOptions } from './telemetry';
