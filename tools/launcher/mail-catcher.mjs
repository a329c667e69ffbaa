// A real SMTP receiver for `npm start` (smtp-server, the package the mail specs use): what
// marketing sends locally is written to .run/mail/ as .eml files, one a message, and goes
// nowhere else. Open one in any mail client, or read it as text.
import { mkdirSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

/**
 * Listens on host:port and stores each message under dir. Answers the running server, or
 * null when the port is taken (another catcher, or a real relay the developer runs there).
 */
export function startMailCatcher({ host = '127.0.0.1', port = 1025, dir }) {
  mkdirSync(dir, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 32 * 1024 * 1024,
    onData(stream, session, callback) {
      const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${++count}.eml`);
      const out = createWriteStream(file);
      stream.pipe(out);
      stream.once('end', () => out.end(() => callback(stream.sizeExceeded ? new Error('message too large') : null)));
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', (error) => (error.code === 'EADDRINUSE' ? resolve(null) : reject(error)));
    server.listen(port, host, () => resolve({ url: `smtp://${host}:${port}`, close: () => server.close() }));
  });
}
