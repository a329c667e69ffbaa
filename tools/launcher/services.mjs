// The one list of the suite's apps: adding a service is one entry here.
export const SERVICES = [
  { name: 'contacts', port: 3001, database: 'crm_contacts' },
  { name: 'analytics', port: 3005, database: 'crm_analytics' },
  { name: 'gateway', port: 3000, database: 'crm_gateway', gateway: true },
];

/** The gateway finds each service through <NAME>_URL. */
export function gatewayEnv(host = '127.0.0.1') {
  return Object.fromEntries(
    SERVICES.filter((s) => !s.gateway).map((s) => [`${s.name.toUpperCase()}_URL`, `http://${host}:${s.port}`]),
  );
}
