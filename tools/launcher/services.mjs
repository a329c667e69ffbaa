// The one list of the suite's apps. The launcher (`npm start`), the deploy
// generator (docker-compose.yml, deploy/postgres/init.sql, deploy/k8s) and the
// docs read it: adding a service is one entry in SERVICES, then
// `node tools/launcher/gen-deploy.mjs`.
//
//   name      Nx project and dist/apps/<name>; the compose service, k8s Deployment and image (crm-<name>)
//   port      HTTP port (PORT), also the container port
//   database  its own Postgres database
//   stream    the JetStream stream it publishes to (CRM_<NAME> on crm.<name>.>), or null
//   gateway   the front door: started with <SERVICE>_URL for every other service, gets the Ingress
//   files     keeps uploaded files: a named volume at /data in compose, an S3 bucket in Kubernetes
//             (replicas share no disk); npm start keeps them under .run/
//   mail      sends mail: compose runs a mail catcher (Mailpit) for it; Kubernetes reads SMTP_URL
//             from the Secret
//   sealsKeys seals keys it keeps (partner agreements' shared keys) under PARTNER_KEY_ENCRYPTION_KEY:
//             Kubernetes reads it from the Secret; compose and npm start derive a local one

/** Apps that exist in apps/ and are started, built and deployed. */
export const SERVICES = [
  { name: 'gateway', port: 3000, database: 'crm_gateway', stream: null, gateway: true },
  { name: 'contacts', port: 3001, database: 'crm_contacts', stream: 'CRM_CONTACTS' },
  { name: 'sales', port: 3002, database: 'crm_sales', stream: 'CRM_SALES' }, // consumes CRM_CONTACTS
  { name: 'support', port: 3003, database: 'crm_support', stream: 'CRM_SUPPORT' }, // consumes CRM_CONTACTS and CRM_SALES
  { name: 'marketing', port: 3004, database: 'crm_marketing', stream: 'CRM_MARKETING', mail: true, sealsKeys: true }, // consumes CRM_CONTACTS, CRM_SALES, CRM_ANALYTICS
  { name: 'analytics', port: 3005, database: 'crm_analytics', stream: 'CRM_ANALYTICS' }, // consumes every stream; publishes scores and erasure receipts
  { name: 'documents', port: 3006, database: 'crm_documents', stream: 'CRM_DOCUMENTS', files: true }, // consumes CRM_CONTACTS
];

/** Designed but not built yet: their databases are created up front (compose init), nothing else. */
export const PLANNED = [];

/**
 * How the gateway finds the services: SERVICE_URLS="contacts=http://127.0.0.1:3001,analytics=...".
 * The gateway routes /api/v1/<name>/... of a service it has no built-in entry for too,
 * so a new service needs no gateway setting (its extra path segments do: apps/gateway routing table).
 */
export function serviceUrls(services = SERVICES, host = () => '127.0.0.1') {
  return services
    .filter((s) => !s.gateway)
    .map((s) => `${s.name}=http://${host(s)}:${s.port}`)
    .join(',');
}

/**
 * The services that must confirm a contact's erasure before contacts calls it complete: every
 * other service that is deployed (each keeps some of the person's data and sends a receipt).
 */
export function erasureParticipants(services = SERVICES) {
  return (
    services
      .filter((s) => !s.gateway && s.name !== 'contacts')
      .map((s) => s.name)
      .join(',') || 'none'
  );
}

/** The environment the gateway gets on top of the common one. */
export function gatewayEnv(services = SERVICES, host = () => '127.0.0.1') {
  return { SERVICE_URLS: serviceUrls(services, host) };
}

/** The services named in a comma-separated list (e.g. `--only contacts,analytics`); throws on an unknown name. */
export function selectServices(list) {
  if (!list) return [...SERVICES];
  const names = list
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !SERVICES.some((s) => s.name === n));
  if (unknown.length) {
    const planned = unknown.filter((n) => PLANNED.some((s) => s.name === n));
    throw new Error(
      `unknown service${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}` +
        (planned.length ? ` (${planned.join(', ')} not built yet)` : '') +
        `; known: ${SERVICES.map((s) => s.name).join(', ')}`,
    );
  }
  return SERVICES.filter((s) => names.includes(s.name));
}
