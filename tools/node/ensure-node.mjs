// Node 24 for the suite on any machine that has some Node and npm.
//
// The machine's node is used when it is 24 or newer. Otherwise the official
// binary, which the npm registry serves as the package node-linux-<arch>, is
// installed once into the git-ignored .node/ folder. `.ci/run` puts the
// printed bin folder first on PATH; `npm start` and `npm test` re-run
// themselves under it (reexecUnderNode24), so a fresh machine needs no nvm.
//
//   node tools/node/ensure-node.mjs   prints the bin folder of a Node 24
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_VERSION = '24.22.3';
export const MIN_MAJOR = 24;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PREFIX = join(ROOT, '.node');
const PACKAGE = `node-linux-${process.arch}`;
const LOCAL_BIN = join(PREFIX, 'node_modules', PACKAGE, 'bin');

function majorOf(nodeBinary) {
  const r = spawnSync(nodeBinary, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim().split('.')[0]) : 0;
}

/** The bin folder of a Node >= 24: this process's, the local copy, or a fresh install of it. */
export function node24BinDir() {
  if (Number(process.versions.node.split('.')[0]) >= MIN_MAJOR) return dirname(process.execPath);
  if (existsSync(join(LOCAL_BIN, 'node')) && majorOf(join(LOCAL_BIN, 'node')) >= MIN_MAJOR) return LOCAL_BIN;
  if (process.platform !== 'linux') {
    throw new Error(
      `Node ${process.versions.node} is too old and ${PACKAGE} is Linux-only: install Node ${MIN_MAJOR}+`,
    );
  }
  process.stderr.write(
    `Node ${process.versions.node} is older than ${MIN_MAJOR}: installing ${PACKAGE}@${NODE_VERSION} into .node/\n`,
  );
  const npm = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      PREFIX,
      '--no-save',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      '--loglevel=error',
      `${PACKAGE}@${NODE_VERSION}`,
    ],
    // npm's output goes to stderr: stdout carries only the bin folder (.ci/run reads it).
    { stdio: ['ignore', process.stderr, 'inherit'] },
  );
  if (npm.status !== 0 || majorOf(join(LOCAL_BIN, 'node')) < MIN_MAJOR) {
    throw new Error(
      `could not install ${PACKAGE}@${NODE_VERSION} from the npm registry; install Node ${MIN_MAJOR}+ yourself`,
    );
  }
  return LOCAL_BIN;
}

/**
 * Under an older Node, runs this same script again under Node 24 (its bin first on PATH, so npm,
 * npx and nx children use it too) and exits with its status. Under Node 24 it returns at once.
 */
export function reexecUnderNode24() {
  if (Number(process.versions.node.split('.')[0]) >= MIN_MAJOR) return;
  const bin = node24BinDir();
  const r = spawnSync(join(bin, 'node'), process.argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` },
  });
  process.exit(r.status ?? 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(`${node24BinDir()}\n`);
  } catch (e) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
}
