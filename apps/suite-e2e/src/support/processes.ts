import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const WORKSPACE = resolve(__dirname, '../../../..');

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((res) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        res(true);
      });
      c.once('error', () => res(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(t);
      res();
    });
    child.kill(signal);
  });
}

/** A NATS server of the test's own, so a test can stop and start it without touching anyone else's. */
export class PrivateNats {
  private child?: ChildProcess;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'crm-nats-'));

  private constructor(readonly port: number) {}

  static async create(): Promise<PrivateNats> {
    return new PrivateNats(await freePort());
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const bin = process.env['NATS_SERVER_BIN'] ?? '/usr/sbin/nats-server';
    this.child = spawn(bin, ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir], {
      stdio: 'ignore',
    });
    await waitForPort(this.port);
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child);
    this.child = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

export interface ServiceProcessOptions {
  app: string;
  env: Record<string, string>;
}

/** A built app (dist/apps/<app>/main.js) running as its own process, as in production. */
export class ServiceProcess {
  private child?: ChildProcess;
  private output: string[] = [];
  port = 0;

  constructor(private readonly o: ServiceProcessOptions) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The environment the process gets, e.g. to start a second instance on the same database. */
  get env(): Record<string, string> {
    return { ...this.o.env };
  }

  get logs(): string {
    return this.output.join('');
  }

  private get main(): string {
    return join(WORKSPACE, 'dist/apps', this.o.app, 'main.js');
  }

  async migrate(): Promise<void> {
    await new Promise<void>((res, rej) => {
      const c = spawn(process.execPath, [this.main, 'migrate'], {
        env: { ...process.env, ...this.o.env, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      c.stdout?.on('data', (d) => (out += d));
      c.stderr?.on('data', (d) => (out += d));
      c.once('exit', (code) => (code === 0 ? res() : rej(new Error(`${this.o.app} migrate exited ${code}: ${out}`))));
    });
  }

  async start(extraEnv: Record<string, string> = {}): Promise<void> {
    this.port = this.port || (await freePort());
    this.output = [];
    this.child = spawn(process.execPath, [this.main], {
      env: {
        ...process.env,
        ...this.o.env,
        ...extraEnv,
        PORT: String(this.port),
        LOG_LEVEL: process.env['E2E_LOG_LEVEL'] ?? 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (d: Buffer) => {
      this.output.push(d.toString());
      if (this.output.length > 500) this.output.shift();
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    // Generous: with six apps starting on two busy cores a start can take over 30 s.
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (this.child.exitCode !== null)
        throw new Error(`${this.o.app} exited with ${this.child.exitCode}:\n${this.logs}`);
      try {
        const r = await fetch(`${this.baseUrl}/health/live`);
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${this.o.app} did not come up:\n${this.logs}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await fetch(`${this.baseUrl}/health/ready`).catch(() => undefined);
      if (r?.ok) return;
      if (Date.now() > deadline) throw new Error(`${this.o.app} not ready: ${r ? await r.text() : 'no answer'}`);
      await new Promise((res) => setTimeout(res, 150));
    }
  }

  async stop(): Promise<void> {
    if (this.child) await stopChild(this.child);
    this.child = undefined;
  }

  /** Sends a signal, e.g. SIGSTOP and SIGCONT to freeze and thaw the process. */
  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }
}
