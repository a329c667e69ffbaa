import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const WORKSPACE = resolve(__dirname, '../../../../..');

export interface SalesProcess {
  child: ChildProcess;
  url: string;
  /** Resident set size of the process now, in bytes (from /proc). */
  rss(): number;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** The sales service from its sources in a process of its own (ts-node), configured by `env`. */
export function spawnSales(env: Record<string, string | undefined>, startMs = 240_000): Promise<SalesProcess> {
  // Not the runner's ts-node settings (nx sets TS_NODE_COMPILER_OPTIONS for loading jest configs).
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TS_NODE_')));
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', 'apps/sales/src/exports/testing/sales-process.ts'],
    {
      cwd: WORKSPACE,
      env: { ...inherited, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: 'tsconfig.base.json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const kill = (signal: NodeJS.Signals = 'SIGTERM') =>
    new Promise<void>((res) => {
      if (child.exitCode !== null || child.signalCode !== null) return res();
      child.once('exit', () => res());
      child.kill(signal);
    });
  const rss = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  };
  return new Promise((res, rej) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`sales process did not start in ${startMs} ms: ${err.slice(-2000)}`));
    }, startMs);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /LISTENING (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res({ child, url: m[1], rss, kill });
      }
    });
    child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`sales process exited (${code}) before listening: ${err.slice(-2000)}`));
    });
  });
}
