// `npm start`: the whole suite on this machine.
//   1. `npm ci` when node_modules is missing
//   2. Postgres (PGHOST/PGPORT, default 127.0.0.1:5432, user postgres) and NATS with
//      JetStream (NATS_URL, default nats://127.0.0.1:4222): reach them, start a stopped
//      local install, or say what to install
//   3. build the apps (Nx cache makes reruns fast)
//   4. create each app's database crm_<app> if missing, run `main.js migrate` for each
//   5. start every app with the same auth settings, logs in .run/logs/<app>.log
//   6. wait for each /health/ready, then print the URLs and a 12 h dev admin token last;
//      after that only warnings and errors are echoed here (--follow-logs: every line)
//   Ctrl-C / SIGTERM stops every app (SIGTERM, SIGKILL after 10 s).
//
//   node tools/launcher/start.mjs [--no-build] [--only contacts,analytics] [--check-only]
//                                 [--migrate-only] [--ready-timeout 90] [--raw-logs] [--follow-logs]
//   --check-only    steps 1, 2 and the database creation of 4, then exit (no build, no apps)
//   --migrate-only  steps 1 to 4, then exit (build, create and migrate the databases)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICES, erasureParticipants, gatewayEnv, selectServices } from './services.mjs';
import { reexecUnderNode24 } from '../node/ensure-node.mjs';

// Under an older Node this re-runs the launcher under Node 24 (fetched into .node/ if needed).
reexecUnderNode24();

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RUN = join(ROOT, '.run');
const LOGS = join(RUN, 'logs');
// The same defaults as tools/dev-token.mjs, so its tokens are accepted.
const AUTH_ISSUER = process.env.AUTH_ISSUER || 'crm-local';
const AUTH_AUDIENCE = process.env.AUTH_AUDIENCE || 'crm';
const STOP_GRACE_MS = 10_000;
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const APP_COLORS = [36, 35, 33, 32, 34, 96, 95, 93];

const say = (msg) => console.log(`${paint(1, '[launcher]')} ${msg}`);
const warn = (msg) => console.error(`${paint(33, '[launcher]')} ${msg}`);
class LaunchError extends Error {}

// ---------------------------------------------------------------- options

function parseArgs(argv) {
  const o = {
    build: true,
    only: undefined,
    checkOnly: false,
    migrateOnly: false,
    readyTimeout: 90,
    rawLogs: false,
    followLogs: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined || v.startsWith('--')) throw new LaunchError(`${a} needs a value`);
      return v;
    };
    if (a === '--no-build') o.build = false;
    else if (a === '--build') o.build = true;
    else if (a === '--only' || a.startsWith('--only=')) o.only = value();
    else if (a === '--check-only') o.checkOnly = true;
    else if (a === '--migrate-only') o.migrateOnly = true;
    else if (a === '--raw-logs') o.rawLogs = true;
    else if (a === '--follow-logs') o.followLogs = true;
    else if (a === '--ready-timeout' || a.startsWith('--ready-timeout=')) o.readyTimeout = Number(value());
    else if (a === '--help' || a === '-h') {
      console.log(
        readFileSync(fileURLToPath(import.meta.url), 'utf8')
          .split('\nimport ')[0]
          .replace(/^\/\/ ?/gm, ''),
      );
      process.exit(0);
    } else throw new LaunchError(`unknown option ${a} (try --help)`);
  }
  if (!Number.isFinite(o.readyTimeout) || o.readyTimeout <= 0) throw new LaunchError('--ready-timeout needs seconds');
  return o;
}

function checkNode() {
  const [major] = process.versions.node.split('.').map(Number);
  if (major < 24) {
    throw new LaunchError(`Node ${process.versions.node} is too old: the suite needs Node 24 or newer`);
  }
}

// ---------------------------------------------------------------- helpers

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit', ...opts });
  if (r.error) throw new LaunchError(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  return r;
}

/** The last lines of a log file written after byte `from` (this run only). */
function tail(file, lines = 20, from = 0) {
  if (!existsSync(file)) return '  (no log)';
  const text = readFileSync(file).subarray(from).toString('utf8').trimEnd();
  if (!text) return '  (nothing logged yet)';
  return text
    .split('\n')
    .slice(-lines)
    .map((l) => `  | ${l}`)
    .join('\n');
}

function portInUse(port) {
  return new Promise((res) => {
    const s = tcpConnect({ port, host: '127.0.0.1' });
    s.setTimeout(1000, () => (s.destroy(), res(false)));
    s.once('connect', () => (s.destroy(), res(true)));
    s.once('error', () => res(false));
  });
}

function localSecret(name = 'secret') {
  mkdirSync(RUN, { recursive: true });
  const file = join(RUN, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32)
    throw new LaunchError(`${relative(ROOT, file)} holds fewer than 32 characters; delete it to get a new one`);
  return secret;
}

async function devToken(secret) {
  const { SignJWT } = await import('jose');
  return new SignJWT({ roles: ['admin'], name: 'Local admin' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('dev-admin')
    .setIssuer(AUTH_ISSUER)
    .setAudience(AUTH_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('12h')
    .sign(new TextEncoder().encode(secret));
}

/** One JSON log line as `time level context: msg {rest}`; anything else as is. */
function formatLine(line, raw) {
  if (raw || !line.startsWith('{')) return line;
  try {
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { time, level, msg, context, service, trace_id, span_id, ...rest } = JSON.parse(line);
    if (msg === undefined) return line;
    const lvl = String(level ?? '').padEnd(5);
    const painted = level === 'error' ? paint(31, lvl) : level === 'warn' ? paint(33, lvl) : paint(2, lvl);
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    return `${String(time ?? '').slice(11, 23)} ${painted} ${context ? `${context}: ` : ''}${msg}${extra}`;
  } catch {
    return line;
  }
}

// What reaches the terminal: nothing while the apps start (the banner is the last thing printed;
// a failed start shows the app's log tail), then only warnings and errors, or everything with
// --follow-logs. The log files under .run/logs/ always get every line.
let echo = 'none';

function echoed(line, fromStderr) {
  if (echo === 'all') return true;
  if (echo === 'none') return false;
  if (!line.startsWith('{')) return fromStderr && line.trim() !== '';
  return /"level":"(warn|error|fatal)"/.test(line);
}

/** Pipes a child's stdout/stderr to its log file, and to our stdout with a prefix as `echo` says. */
function pipeOutput(child, name, log, index, raw) {
  const prefix = paint(APP_COLORS[index % APP_COLORS.length], `[${name}]`.padEnd(12)) + ' ';
  for (const stream of [child.stdout, child.stderr]) {
    const fromStderr = stream === child.stderr;
    const show = (line) => echoed(line, fromStderr) && process.stdout.write(prefix + formatLine(line, raw) + '\n');
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      log.write(chunk);
      const lines = (rest + chunk).split('\n');
      rest = lines.pop();
      for (const line of lines) show(line);
    });
    stream.on('end', () => rest && show(rest));
  }
}

// ---------------------------------------------------------------- children

const children = [];
let stopping = false;

function startApp(svc, env, index, opts) {
  const logFile = join(LOGS, `${svc.name}.log`);
  appendFileSync(logFile, `\n--- ${new Date().toISOString()} started by npm start ---\n`);
  const logStart = statSync(logFile).size;
  const log = createWriteStream(logFile, { flags: 'a' });
  // Own process group: Ctrl-C reaches the launcher only, which then stops each app
  // once with SIGTERM (a second signal would cut a graceful shutdown short).
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps', svc.name, 'main.js')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const entry = { svc, child, logFile, logStart, exited: null };
  pipeOutput(child, svc.name, log, index, opts.rawLogs);
  child.on('error', (error) => warn(`${svc.name}: ${error.message}`));
  child.on('close', () => log.end()); // after its output has been read
  child.on('exit', (code, signal) => {
    entry.exited = signal ?? code;
    if (!stopping) warn(`${svc.name} exited (${signal ?? `code ${code}`}); its log: ${relative(ROOT, logFile)}`);
  });
  children.push(entry);
  return entry;
}

async function waitReady(entry, timeoutSeconds) {
  const url = `http://127.0.0.1:${entry.svc.port}/health/ready`;
  const deadline = Date.now() + timeoutSeconds * 1000;
  let last = 'no answer';
  while (!stopping) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `${res.status} ${(await res.text()).slice(0, 300)}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    if (entry.exited !== null) {
      throw new LaunchError(
        `${entry.svc.name} exited (${entry.exited}) before it was ready. Last lines of ${relative(ROOT, entry.logFile)}:\n${tail(entry.logFile, 20, entry.logStart)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new LaunchError(
        `${entry.svc.name} was not ready within ${timeoutSeconds} s at ${url} (last: ${last}). Last lines of ${relative(ROOT, entry.logFile)}:\n${tail(entry.logFile, 20, entry.logStart)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

function signalChild(entry, signal) {
  if (entry.exited !== null) return;
  try {
    process.kill(-entry.child.pid, signal); // its whole group
  } catch {
    try {
      entry.child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

async function stopAll(reason) {
  if (stopping) return;
  stopping = true;
  const running = children.filter((c) => c.exited === null);
  if (running.length) say(`${reason}: stopping ${running.map((c) => c.svc.name).join(', ')}…`);
  await Promise.all(
    running.map(
      (entry) =>
        new Promise((res) => {
          const timer = setTimeout(() => {
            warn(`${entry.svc.name} still running after ${STOP_GRACE_MS / 1000} s: SIGKILL`);
            signalChild(entry, 'SIGKILL');
          }, STOP_GRACE_MS);
          entry.child.once('exit', () => (clearTimeout(timer), res()));
          if (entry.exited !== null) return (clearTimeout(timer), res());
          signalChild(entry, 'SIGTERM');
        }),
    ),
  );
}

// Last resort (an exception, process.exit): never leave apps behind.
process.on('exit', () => children.forEach((c) => signalChild(c, 'SIGKILL')));

// ---------------------------------------------------------------- steps

function installDependencies() {
  if (existsSync(join(ROOT, 'node_modules'))) return;
  say('node_modules is missing: npm ci');
  const r = run('npm', ['ci', '--no-audit', '--no-fund']);
  if (r.status !== 0) throw new LaunchError('npm ci failed (see above)');
}

function build(services) {
  // The web console (apps/console) is static files the gateway serves: built with it.
  const names = [...services.map((s) => s.name), ...(services.some((s) => s.gateway) ? ['console'] : [])];
  const logFile = join(LOGS, 'build.log');
  say(`building ${names.join(', ')} (Nx cache; output in ${relative(ROOT, logFile)})`);
  const started = Date.now();
  const r = run(
    'npx',
    ['nx', 'run-many', '-t', 'build', `--projects=${names.join(',')}`, '--parallel=2', '--outputStyle=static'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NX_DAEMON: 'false', FORCE_COLOR: '0', NX_TUI: 'false' },
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  writeFileSync(logFile, `${r.stdout ?? ''}${r.stderr ?? ''}`);
  if (r.status !== 0) {
    throw new LaunchError(`the build failed. Last lines of ${relative(ROOT, logFile)}:\n${tail(logFile, 40)}
  Fix it, or start only the apps that build: npm start -- --only <apps>`);
  }
  say(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

function migrate(svc, env) {
  const logFile = join(LOGS, `${svc.name}.log`);
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/apps', svc.name, 'main.js'), 'migrate'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  appendFileSync(logFile, `\n--- ${new Date().toISOString()} migrate ---\n${out}`);
  if (r.status !== 0) {
    const lines = out
      .trimEnd()
      .split('\n')
      .slice(-20)
      .map((l) => `  | ${l}`)
      .join('\n');
    throw new LaunchError(
      `migrating ${svc.name} (${svc.database}) failed (${r.error?.message ?? r.signal ?? `exit ${r.status}`}):\n${lines}`,
    );
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  checkNode();
  let services;
  try {
    services = selectServices(opts.only);
  } catch (error) {
    throw new LaunchError(`--only: ${error.message}`);
  }
  mkdirSync(LOGS, { recursive: true });

  // (a) dependencies, then the modules that need them
  installDependencies();
  const infra = await import('./infra.mjs');

  // (b) Postgres and NATS with JetStream
  const pgs = infra.postgresSettings();
  const natsUrl = process.env.NATS_URL || 'nats://127.0.0.1:4222';
  let pgVersion, natsVersion;
  try {
    pgVersion = await infra.ensurePostgres(pgs, say);
    natsVersion = await infra.ensureNats(natsUrl, say);
  } catch (error) {
    if (error instanceof infra.InfraError) throw new LaunchError(error.message);
    throw error;
  }
  say(`PostgreSQL ${pgVersion} at ${pgs.host}:${pgs.port}, NATS ${natsVersion} with JetStream at ${natsUrl}`);

  // (d, first half) databases; the gateway's too even with --only
  const databases = [
    ...new Set([...services.map((s) => s.database), ...SERVICES.filter((s) => s.gateway).map((s) => s.database)]),
  ];
  const created = await infra.ensureDatabases(pgs, databases);
  say(created.length ? `created databases ${created.join(', ')}` : `databases present: ${databases.join(', ')}`);
  if (opts.checkOnly) {
    say('--check-only: Postgres, NATS (JetStream) and the databases are ready; not building or starting apps');
    return 0;
  }

  const busy = [];
  if (!opts.migrateOnly) for (const svc of services) if (await portInUse(svc.port)) busy.push(svc);
  if (busy.length) {
    throw new LaunchError(
      `port${busy.length > 1 ? 's' : ''} ${busy.map((s) => `${s.port} (${s.name})`).join(', ')} already in use: is another \`npm start\` running? Stop it, or free the port.`,
    );
  }

  // (c) build
  if (opts.build) build(services);
  const missing = services.filter((s) => !existsSync(join(ROOT, 'dist/apps', s.name, 'main.js')));
  for (const s of missing) {
    warn(
      `${s.name}: dist/apps/${s.name}/main.js is missing (${opts.build ? 'its build produced nothing' : 'not built: run without --no-build'}); not starting it`,
    );
  }
  const runnable = services.filter((s) => !missing.includes(s));
  if (!runnable.length) throw new LaunchError('no app to start');

  // (e) one secret and one set of auth settings for every app
  const secret = process.env.AUTH_JWT_SECRET || localSecret();
  if (secret.length < 32) throw new LaunchError('AUTH_JWT_SECRET must be at least 32 characters');
  const internalSecret = process.env.INTERNAL_TOKEN_SECRET || localSecret('internal-secret');
  if (internalSecret.length < 32) throw new LaunchError('INTERNAL_TOKEN_SECRET must be at least 32 characters');
  const common = {
    ...process.env,
    // loopback only: on this machine nothing but the launcher's own clients should reach the apps
    HOST: '127.0.0.1',
    NATS_URL: natsUrl,
    AUTH_JWT_SECRET: secret,
    INTERNAL_TOKEN_SECRET: internalSecret,
    AUTH_ISSUER,
    AUTH_AUDIENCE,
    LOG_LEVEL: process.env.LOG_LEVEL || 'info',
  };
  // Marketing's mail: to the SMTP_URL given, else to a catcher writing .run/mail/*.eml.
  let mail = process.env.SMTP_URL ? { url: process.env.SMTP_URL, caught: false } : null;
  if (!mail && runnable.some((s) => s.mail)) {
    const { startMailCatcher } = await import('./mail-catcher.mjs');
    const catcher = await startMailCatcher({ dir: join(ROOT, '.run/mail') });
    mail = catcher ? { url: catcher.url, caught: true } : { url: 'smtp://127.0.0.1:1025', caught: false };
    if (!catcher) warn('port 1025 is taken: marketing sends its mail to whatever listens there');
  }
  const envFor = (svc) => ({
    ...common,
    ...(svc.mail && mail ? { SMTP_URL: mail.url } : {}),
    ...(svc.gateway ? { ...gatewayEnv(runnable), CONSOLE_LOCAL_SIGNIN: 'true' } : {}),
    // Local mode: webhooks may go to a plain-http receiver (https only in compose and Kubernetes).
    ...(svc.gateway ? { WEBHOOK_ALLOW_HTTP: process.env.WEBHOOK_ALLOW_HTTP || 'true' } : {}),
    // An erasure is complete once every service started here has confirmed its part.
    ...(svc.name === 'contacts'
      ? { ERASURE_PARTICIPANTS: process.env.ERASURE_PARTICIPANTS || erasureParticipants(runnable) }
      : {}),
    PORT: String(svc.port),
    DATABASE_URL: infra.databaseUrl(pgs, svc.database),
  });

  // (d, second half) migrations, one app at a time
  for (const svc of runnable) {
    say(`migrating ${svc.name} (${svc.database})`);
    migrate(svc, { ...envFor(svc), LOG_LEVEL: 'warn' });
  }
  if (opts.migrateOnly) {
    say(`--migrate-only: ${runnable.map((s) => s.database).join(', ')} migrated`);
    return missing.length ? 1 : 0;
  }

  // (e) start, (h) stop on a signal
  let signalled = 0;
  const onSignal = (signal) => {
    if (++signalled > 1) {
      warn(`${signal} again: SIGKILL`);
      children.forEach((c) => signalChild(c, 'SIGKILL'));
      return;
    }
    stopAll(signal).then(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  say(`starting ${runnable.map((s) => `${s.name}:${s.port}`).join(', ')}`);
  if (opts.followLogs) echo = 'all';
  const entries = runnable.map((svc, i) => startApp(svc, envFor(svc), i, opts));

  // (f) readiness
  await Promise.all(entries.map((e) => waitReady(e, opts.readyTimeout)));
  if (stopping) return null;

  // (g) where to go
  const token = await devToken(secret);
  const gw = runnable.find((s) => s.gateway);
  const lines = [
    '',
    paint(1, 'CRM suite is running') +
      ` (${runnable.length} app${runnable.length > 1 ? 's' : ''}; logs in .run/logs/; Ctrl-C stops everything)`,
    '',
  ];
  if (gw) {
    lines.push(`  console     http://localhost:${gw.port}/   (local sign-in: pick a name and a role)`);
    lines.push(`  gateway     http://localhost:${gw.port}/api/v1/...`);
    lines.push(
      `              API docs http://localhost:${gw.port}/api/docs   OpenAPI http://localhost:${gw.port}/api/openapi.json`,
    );
  }
  for (const s of runnable.filter((x) => !x.gateway)) {
    lines.push(`  ${s.name.padEnd(11)} http://localhost:${s.port}   OpenAPI http://localhost:${s.port}/openapi.json`);
  }
  lines.push(`  every app   /health/live  /health/ready  /metrics`);
  if (mail) {
    lines.push(
      mail.caught
        ? `  mail        ${mail.url}: every message marketing sends lands in .run/mail/ (*.eml), nowhere else`
        : `  mail        marketing sends to ${mail.url}`,
    );
  }
  if (missing.length) lines.push('', paint(33, `  not started: ${missing.map((s) => s.name).join(', ')} (see above)`));
  const tryUrl = gw
    ? `http://localhost:${gw.port}/api/v1/contacts`
    : `http://localhost:${runnable[0].port}/openapi.json`;
  lines.push(
    '',
    `  Dev admin token (HS256, sub dev-admin, role admin, 12 h; secret in ${process.env.AUTH_JWT_SECRET ? 'AUTH_JWT_SECRET' : '.run/secret'}):`,
    '',
    `export TOKEN=${token}`,
    '',
    `  curl -H "Authorization: Bearer $TOKEN" ${tryUrl}`,
    `  Another token: npm run dev-token -- --roles sales --sub alice`,
    `  From here on only the apps' warnings and errors are shown${opts.followLogs ? ' (--follow-logs: every line)' : '; --follow-logs shows every line'}.`,
    '',
  );
  console.log(lines.join('\n'));
  if (!opts.followLogs) echo = 'problems';
  return null; // keep running until a signal
}

main().then(
  (code) => {
    if (code !== null) process.exit(code);
  },
  async (error) => {
    const known = error instanceof LaunchError || error?.constructor?.name === 'InfraError';
    console.error(`${paint(31, '[launcher]')} ${known ? error.message : (error?.stack ?? String(error))}`);
    await stopAll('startup failed');
    process.exit(1);
  },
);
