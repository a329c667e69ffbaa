import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The workspace root (where `tsconfig.base.json` is), from which a service's sources run. */
export const WORKSPACE = resolve(__dirname, '../../../..');

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  /** Resident set size of the process now, in bytes (from /proc). Includes garbage not yet collected. */
  rss(): number;
  /**
   * The bytes the process's JavaScript heap still holds after a full collection: what it retains, unlike
   * the RSS, which also counts garbage V8 has not got round to (how much depends on the machine's load).
   */
  liveHeap(): Promise<number>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * A service from its sources in a process of its own (ts-node), configured by `env`, for specs that kill
 * it for real or measure its memory. `entry` (relative to the workspace) starts the app and calls
 * {@link announceListening}.
 */
export function spawnServiceProcess(
  name: string,
  entry: string,
  env: Record<string, string | undefined>,
  startMs = 240_000,
): Promise<ServiceProcess> {
  // Not the runner's ts-node settings (nx sets TS_NODE_COMPILER_OPTIONS for loading jest configs).
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TS_NODE_')));
  const child = spawn(
    process.execPath,
    ['--expose-gc', '-r', 'ts-node/register', '-r', 'tsconfig-paths/register', entry],
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
  let out = '';
  const heapWaiters: ((bytes: number) => void)[] = [];
  const liveHeap = () =>
    new Promise<number>((res, rej) => {
      heapWaiters.push(res);
      if (!child.kill('SIGUSR2')) rej(new Error(`${name} process is gone`));
    });
  return new Promise((res, rej) => {
    let err = '';
    let listening = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`${name} process did not start in ${startMs} ms: ${err.slice(-2000)}`));
    }, startMs);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      for (let m = /HEAP (\d+)\n/.exec(out); m; m = /HEAP (\d+)\n/.exec(out)) {
        out = out.slice(m.index + m[0].length);
        heapWaiters.shift()?.(Number(m[1]));
      }
      const l = listening ? null : /LISTENING (\S+)\n/.exec(out);
      if (l) {
        listening = true;
        out = out.slice(l.index + l[0].length);
        clearTimeout(timer);
        res({ child, url: l[1], rss, liveHeap, kill });
      }
      out = out.slice(-4096);
    });
    child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`${name} process exited (${code}) before listening: ${err.slice(-2000)}`));
    });
  });
}

/**
 * In a process started by {@link spawnServiceProcess}: prints `LISTENING <url>`, and answers SIGUSR2 with a
 * full collection then `HEAP <bytes still used>`.
 */
export function announceListening(url: string): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('SIGUSR2', () => {
    gc?.();
    process.stdout.write(`HEAP ${process.memoryUsage().heapUsed}\n`);
  });
  process.stdout.write(`LISTENING ${url}\n`);
}
