export { startTelemetry, shutdownTelemetry, type TelemetryOptions } from './telemetry';
