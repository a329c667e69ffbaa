import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The PDF is read in a worker thread: pdf.js is ESM-only (unpdf's CommonJS
 * entry imports it), which a worker loads natively whatever runs this
 * process (Jest, webpack's bundle), and a hostile or huge PDF then costs
 * the worker, bounded in memory and time, not the API's event loop.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { extractText, getDocumentProxy } = require(workerData.unpdf);
(async () => {
  const pdf = await getDocumentProxy(new Uint8Array(workerData.bytes));
  const { text } = await extractText(pdf, { mergePages: true });
  parentPort.postMessage({ text });
})().catch((error) => parentPort.postMessage({ error: String((error && error.message) || error) }));
`;

let unpdfPath: string | undefined;

/** Where unpdf is, resolved from the running program (the bundle's folder in production, the repo under Jest). */
function unpdf(): string {
  if (!unpdfPath) {
    const bases = [process.argv[1], join(process.cwd(), 'index.js')].filter((b): b is string => !!b);
    for (const base of bases) {
      try {
        unpdfPath = createRequire(base).resolve('unpdf');
        break;
      } catch {
        continue;
      }
    }
    if (!unpdfPath) throw new Error('the unpdf package cannot be found');
  }
  return unpdfPath;
}

export function pdfText(bytes: Buffer, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { unpdf: unpdf(), bytes },
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`reading the PDF took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    worker.once('message', (m: { text?: string; error?: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (m.error !== undefined) reject(new Error(`not a readable PDF: ${m.error}`));
      else resolve(m.text ?? '');
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`the PDF reader stopped (exit ${code})`));
    });
  });
}
