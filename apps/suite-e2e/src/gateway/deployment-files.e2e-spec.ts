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
