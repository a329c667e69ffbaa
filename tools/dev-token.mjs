// Prints a local HS256 token: npm run dev-token -- [--sub alice] [--roles sales,support] [--ttl 3600]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';

const argv = process.argv.slice(2);
const opt = (name, fallback) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : fallback);
const secretFile = join(dirname(fileURLToPath(import.meta.url)), '../.run/secret');
const secret = process.env.AUTH_JWT_SECRET ?? (existsSync(secretFile) ? readFileSync(secretFile, 'utf8').trim() : undefined);
if (!secret) {
  console.error('No secret: set AUTH_JWT_SECRET or run `npm start` once (it writes .run/secret).');
  process.exit(1);
}
const token = await new SignJWT({ roles: opt('roles', 'admin').split(',').filter(Boolean) })
  .setProtectedHeader({ alg: 'HS256' })
  .setSubject(opt('sub', 'dev-admin'))
  .setIssuer(process.env.AUTH_ISSUER ?? 'crm-local')
  .setAudience(process.env.AUTH_AUDIENCE ?? 'crm')
  .setIssuedAt()
  .setExpirationTime(`${Number(opt('ttl', '3600'))}s`)
  .sign(new TextEncoder().encode(secret));
console.log(token);
