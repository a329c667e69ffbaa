import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { WORKSPACE } from '../support/processes';
import { prepareSuite, type Suite } from '../support/suite';

/** The rendered overlay, one string per object (kustomize writes them in a stable, regular layout). */
function rendered(overlay: string): string[] {
  const out = execFileSync('kubectl', ['kustomize', join(WORKSPACE, 'deploy/k8s/overlays', overlay)], {
    encoding: 'utf8',
  });
  return out.split(/^---$/m);
}

function object(docs: string[], kind: string, name: string): string {
  const found = docs.find(
    (d) => new RegExp(`^kind: ${kind}$`, 'm').test(d) && new RegExp(`^  name: ${name}$`, 'm').test(d),
  );
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

function reaches(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('the deployment files', () => {
  it('are what the generator makes from the service list', () => {
    expect(() =>
      execFileSync(process.execPath, [join(WORKSPACE, 'tools/launcher/gen-deploy.mjs'), '--check'], { stdio: 'pipe' }),
    ).not.toThrow();
  });

  it.each(['dev', 'prod'])('(%s) trust one proxy hop at the gateway behind the Ingress, and only there', (overlay) => {
    const docs = rendered(overlay);
    expect(object(docs, 'Deployment', 'gateway')).toMatch(/- name: TRUST_PROXY_HOPS\n\s+value: "1"/);
    expect(object(docs, 'Deployment', 'contacts')).not.toContain('TRUST_PROXY_HOPS');
  });

  it.each(['dev', 'prod'])(
    '(%s) deny inbound traffic by default; services take it from the gateway and each other only',
    (overlay) => {
      const docs = rendered(overlay);
      const deny = object(docs, 'NetworkPolicy', 'default-deny-ingress');
      expect(deny).toMatch(/^spec:\n {2}podSelector: \{\}\n {2}policyTypes:\n {2}- Ingress\n?$/m);
      expect(deny).not.toContain('ingress:');
      const contacts = object(docs, 'NetworkPolicy', 'contacts-from-crm');
      expect(contacts).toMatch(/podSelector:\n {4}matchLabels:\n {6}app.kubernetes.io\/name: contacts/);
      expect(contacts).toMatch(/values:\n\s+- gateway\n\s+- service/);
      expect(contacts).not.toContain('namespaceSelector');
      expect(object(docs, 'NetworkPolicy', 'gateway-from-ingress')).toContain(
        'kubernetes.io/metadata.name: ingress-nginx',
      );
      // Containers listen on the pod's interfaces; internal tokens have a key of their own.
      expect(docs.find((d) => /^kind: ConfigMap$/m.test(d) && /name: crm-config/.test(d))).toMatch(
        /^ {2}HOST: 0\.0\.0\.0$/m,
      );
      for (const name of ['gateway', 'contacts', 'analytics'])
        expect(object(docs, 'Deployment', name)).toContain('name: INTERNAL_TOKEN_SECRET');
    },
  );

  it.each(['dev', 'prod'])(
    '(%s) route the API, the sign-in and the console to the gateway, keep documents on S3 and mail in the Secret',
    (overlay) => {
      const docs = rendered(overlay);
      const ingress = object(docs, 'Ingress', 'gateway');
      expect(ingress).toMatch(
        /- backend:\n\s+service:\n\s+name: gateway\n\s+port:\n\s+name: http\n\s+path: \/\n\s+pathType: Prefix/,
      );
      // Replicas share no disk: uploaded files go to S3, with keys from the Secret.
      const documents = object(docs, 'Deployment', 'documents');
      expect(documents).toMatch(/- name: STORAGE_DRIVER\n\s+value: s3/);
      expect(documents).toMatch(
        /- name: S3_SECRET_ACCESS_KEY\n\s+valueFrom:\n\s+secretKeyRef:\n\s+key: S3_SECRET_ACCESS_KEY/,
      );
      expect(object(docs, 'Deployment', 'marketing')).toMatch(
        /- name: SMTP_URL\n\s+valueFrom:\n\s+secretKeyRef:\n\s+key: SMTP_URL/,
      );
      expect(object(docs, 'Deployment', 'contacts')).not.toContain('STORAGE_DRIVER');
    },
  );

  it('give documents a volume and marketing a mail catcher in compose', () => {
    const { readFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const compose = readFileSync(join(WORKSPACE, 'docker-compose.yml'), 'utf8');
    const service = (name: string) =>
      compose.split(/\n(?= {2}[a-z-]+:\n)/).find((b) => b.startsWith(`  ${name}:\n`)) ?? '';
    expect(service('documents')).toContain('volumes: [documentsdata:/data]');
    expect(service('documents')).toContain('STORAGE_DIR: /data/documents');
    expect(service('marketing')).toContain('SMTP_URL: ${SMTP_URL:-smtp://mail:1025}');
    expect(service('mail')).toContain('image: axllent/mailpit');
  });
});

describe('a gateway behind the Ingress (TRUST_PROXY_HOPS=1)', () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await prepareSuite(['gateway']);
    await suite.services['gateway'].start({ TRUST_PROXY_HOPS: '1' });
    await suite.services['gateway'].waitReady();
  });

  afterAll(() => suite?.teardown());

  it('answers health and metrics to the cluster, and 404 to what came through the Ingress', async () => {
    const base = suite.services['gateway'].baseUrl;
    const through = { 'x-forwarded-for': '203.0.113.7' };
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(200);
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      const res = await fetch(`${base}${path}`, { headers: through });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.text()).not.toContain('process_cpu');
    }
    // The API is still reached through it.
    expect((await fetch(`${base}/api/openapi.json`, { headers: through })).status).toBe(200);
  });
});

describe('a service started as npm start does', () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await prepareSuite(['gateway']);
  });

  afterAll(() => suite?.teardown());

  it('listens on loopback only unless HOST says otherwise', async () => {
    const gateway = suite.services['gateway'];
    await gateway.start({ HOST: '' });
    expect(await reaches('127.0.0.1', gateway.port)).toBe(true);
    // Another loopback address (Linux routes 127/8 to lo): refused, as any other interface is.
    expect(await reaches('127.0.0.2', gateway.port)).toBe(false);
  });
});
