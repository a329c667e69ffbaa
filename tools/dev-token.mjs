// Prints a local HS256 token that the services accept.
//   npm run dev-token -- [--sub alice] [--roles sales,support] [--name NAME] [--ttl 3600]
// A user token's permissions always come from its roles (the role map); only the gateway's
// internal tokens carry a permissions claim, so there is no --permissions here.
// Reads AUTH_JWT_SECRET (or the launcher's .run/secret), AUTH_ISSUER (crm-local) and AUTH_AUDIENCE (crm).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';

const usage = `usage: node tools/dev-token.mjs [--sub SUBJECT] [--roles admin,sales] [--name NAME] [--ttl SECONDS]`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      sub: { type: 'string', default: 'dev-admin' },
      roles: { type: 'string', default: 'admin' },
      name: { type: 'string' },
      ttl: { type: 'string', default: '3600' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0) {
  console.error(`--ttl must be a positive whole number of seconds, not "${values.ttl}"`);
  process.exit(2);
}

const secretFile = join(dirname(fileURLToPath(import.meta.url)), '../.run/secret');
const secret =
  process.env.AUTH_JWT_SECRET || (existsSync(secretFile) ? readFileSync(secretFile, 'utf8').trim() : undefined);
if (!secret) {
  console.error('No secret: set AUTH_JWT_SECRET or run `npm start` once (it writes .run/secret).');
  process.exit(1);
}

const list = (s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const claims = { roles: list(values.roles) };
if (values.name) claims.name = values.name;

const token = await new SignJWT(claims)
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setSubject(values.sub)
  .setIssuer(process.env.AUTH_ISSUER || 'crm-local')
  .setAudience(process.env.AUTH_AUDIENCE || 'crm')
  .setIssuedAt()
  .setExpirationTime(`${ttl}s`)
  .sign(new TextEncoder().encode(secret));
console.log(token);
