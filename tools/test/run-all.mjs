// `npm test`: the formatting check, every project's typecheck, lint, unit and
// integration specs, then the end-to-end specs against the built apps; ends
// with one line that adds up the test counts of every Jest run.
import { spawn, spawnSync } from 'node:child_process';
import { reexecUnderNode24 } from '../node/ensure-node.mjs';

reexecUnderNode24();

const targets = process.argv.slice(2).length ? process.argv.slice(2) : ['typecheck', 'lint', 'test', 'e2e'];

// The tree stays as `npm run format` leaves it (settings in .prettierrc).
let formatted = true;
if (!process.argv.slice(2).length) {
  const check = spawnSync('npx', ['prettier', '--check', '--log-level=warn', '.'], { stdio: 'inherit' });
  formatted = check.status === 0;
  if (!formatted) console.error('\nformat check failed: run `npm run format` and commit the result\n');
}
const child = spawn(
  'npx',
  [
    'nx',
    'run-many',
    '-t',
    ...targets,
    '--parallel=2',
    '--outputStyle=static',
    ...(process.env.CI ? ['--skip-nx-cache'] : []),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NX_DAEMON: 'false', FORCE_COLOR: '0' } },
);

let passed = 0;
let failed = 0;
let skipped = 0;
let buffer = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  buffer += chunk.toString();
  const lines = buffer.split('\n');
  buffer = lines.pop() ?? '';
  for (const line of lines) count(line);
});

function count(line) {
  // Jest: "Tests:       2 failed, 1 skipped, 40 passed, 43 total"
  const m = /^\s*Tests:\s+(.*)\btotal\s*$/.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
  if (!m) return;
  for (const [, n, what] of m[1].matchAll(/(\d+) (passed|failed|skipped|todo)/g)) {
    if (what === 'passed') passed += Number(n);
    else if (what === 'failed') failed += Number(n);
    else skipped += Number(n);
  }
}

child.on('exit', (code) => {
  if (buffer) count(buffer);
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(code === 0 && !formatted ? 1 : (code ?? 1));
});
