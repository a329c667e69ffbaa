// The floor of the webhooks bench: a bare JetStream pull consumer that POSTs each event to the
// receiver (no database, no signature, no ordering per subject), acking after the answer.
//   STREAM, SUBJECTS, TARGET_URL, NATS_URL, CONCURRENCY
import { AckPolicy, connect } from 'nats';

const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
const jsm = await nc.jetstreamManager();
const stream = process.env.STREAM;
await jsm.streams.add({ name: stream, subjects: [process.env.SUBJECTS] }).catch(() => undefined);
await jsm.consumers.add(stream, { durable_name: 'floor', ack_policy: AckPolicy.Explicit, max_ack_pending: 1000 });
const consumer = await nc.jetstream().consumers.get(stream, 'floor');
const messages = await consumer.consume({ max_messages: 256 });
const limit = Number(process.env.CONCURRENCY ?? 32);
let inFlight = 0;
const waiters = [];
console.log('ready');
for await (const m of messages) {
  while (inFlight >= limit) await new Promise((r) => waiters.push(r));
  inFlight++;
  fetch(process.env.TARGET_URL, { method: 'POST', headers: { 'content-type': 'application/json' }, body: m.data })
    .then((r) => r.arrayBuffer())
    .then(() => m.ack())
    .catch(() => m.nak())
    .finally(() => {
      inFlight--;
      waiters.shift()?.();
    });
}
