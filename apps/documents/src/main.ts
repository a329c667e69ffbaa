import { startTelemetry } from '@crm/telemetry';

// Telemetry first: instrumentation patches http, pg and Nest as they load.
startTelemetry({ serviceName: 'documents' });

(require('./service') as typeof import('./service')).main();
