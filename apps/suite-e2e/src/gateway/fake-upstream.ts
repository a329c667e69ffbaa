import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A stand-in service for what the real ones cannot show yet: a body seen
 * before it is complete (streaming both ways), a service that never answers,
 * one that hangs up.
 */
export class FakeUpstream {
  private server?: Server;
  port = 0;
  /** Resolved when the upload's first chunk has arrived here. */
  firstUploadChunk!: Promise<void>;
  private markFirstChunk!: () => void;
  /** The download's rest is sent once this is resolved. */
  private releaseDownload!: () => void;
  private downloadReleased!: Promise<void>;
  lastHeaders: IncomingMessage['headers'] = {};
  /** Writes /echo/slow-write carried out (whether or not the client was still there). */
  slowWrites = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.firstUploadChunk = new Promise((r) => (this.markFirstChunk = r));
    this.downloadReleased = new Promise((r) => (this.releaseDownload = r));
  }

  release(): void {
    this.releaseDownload();
  }

  async start(): Promise<void> {
    // A client the gateway cut off (413) ends its upload early: nothing to report.
    this.server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.lastHeaders = req.headers;
    const path = req.url ?? '';
    if (path.startsWith('/echo/upload')) {
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of req) {
        if (bytes === 0) this.markFirstChunk();
        bytes += (chunk as Buffer).length;
        hash.update(chunk as Buffer);
      }
      res.writeHead(201, { 'content-type': 'application/json', 'x-upstream': 'echo' });
      res.end(JSON.stringify({ bytes, sha256: hash.digest('hex') }));
    } else if (path.startsWith('/echo/download')) {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write('first-chunk\n');
      await this.downloadReleased;
      res.end('rest\n');
    } else if (path === '/openapi.json') {
      res.writeHead(404).end();
    } else if (path.startsWith('/echo/silent')) {
      // Never answers: the gateway's response timeout has to.
    } else if (path.startsWith('/echo/slow-write')) {
      // A write that takes a while: time for a client to hang up, or for a SIGTERM to arrive.
      for await (const chunk of req) void chunk;
      await new Promise((r) => setTimeout(r, 800));
      this.slowWrites += 1;
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end('{"written":true}');
    } else if (path.startsWith('/echo/loose-headers')) {
      // A service that would weaken the client's protection if the gateway let it.
      res.writeHead(200, {
        'content-type': 'application/json',
        'strict-transport-security': 'max-age=0',
        'content-security-policy': "default-src *; script-src 'unsafe-inline'",
        'x-frame-options': 'ALLOWALL',
        'access-control-allow-origin': '*',
        'access-control-allow-credentials': 'true',
      });
      res.end('{}');
    } else if (path.startsWith('/echo/hang-up')) {
      req.socket.destroy();
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: path, headers: req.headers }));
    }
  }

  async stop(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
