import { isDeepStrictEqual } from 'node:util';
import { buildCloudEvent, readStream, waitFor, type CloudEvent, type DeadLetter } from '@crm/messaging';
import { uuidv7 } from '@crm/persistence';
import { AnalyticsTestApp, daysAgo, orderPayload } from '../testing/analytics-test-app';

jest.setTimeout(90_000);

const CUSTOMERS = 12;
const ORDERS_PER_CUSTOMER = 25;

/**
 * A backlog of order events waiting on the sales stream when analytics
 * starts, applied in batches: every order of every customer in several
 * versions (placed, then refunded, some cancelled; a stale copy of the
 * placement after the newer version), and one poisoned event among them.
 */
describe('analytics order ingest in batches (real Postgres and NATS)', () => {
  let t: AnalyticsTestApp;
  const customers = Array.from({ length: CUSTOMERS }, () => uuidv7());
  const expected = new Map<string, { orders: number; monetary: number; days: Set<string> }>();
  const newest = new Map<string, { version: number; status: string; refunded: number }>();
  const backlog: CloudEvent[] = [];
  let poison: CloudEvent;

  const orderEvent = (p: Parameters<typeof orderPayload>[0], type: string): CloudEvent => {
    const data = orderPayload(p);
    return buildCloudEvent('sales', { type: `crm.sales.order.${type}`, subject: data.id, version: data.version, data });
  };

  beforeAll(async () => {
    for (let k = 0; k < ORDERS_PER_CUSTOMER; k++) {
      customers.forEach((contactId, c) => {
        const id = uuidv7();
        const day = daysAgo(10 + ((k * 7 + c) % 300));
        const total = 1000 + 10 * k + c;
        const placed = orderEvent({ id, contactId, day, totalMinor: total }, 'placed');
        backlog.push(placed);
        const e = expected.get(contactId) ?? { orders: 0, monetary: 0, days: new Set<string>() };
        expected.set(contactId, e);
        if (k % 5 === 0) {
          backlog.push(
            orderEvent({ id, version: 2, contactId, day, totalMinor: total, status: 'cancelled' }, 'cancelled'),
          );
          newest.set(id, { version: 2, status: 'cancelled', refunded: 0 });
        } else if (k % 3 === 0) {
          const refunded = 100;
          backlog.push(
            orderEvent(
              { id, version: 2, contactId, day, totalMinor: total, refundedMinor: refunded, status: 'paid' },
              'refunded',
            ),
          );
          // The placement again under another event id, after the newer version: it must change nothing.
          backlog.push({ ...placed, id: uuidv7() });
          newest.set(id, { version: 2, status: 'paid', refunded });
          e.orders += 1;
          e.monetary += total - refunded;
          e.days.add(day);
        } else {
          newest.set(id, { version: 1, status: 'placed', refunded: 0 });
          e.orders += 1;
          e.monetary += total;
          e.days.add(day);
        }
      });
    }
    // An order whose time is not a time: Postgres refuses it, so the batch it is in fails.
    poison = orderEvent({ contactId: customers[0], day: daysAgo(5), totalMinor: 777 }, 'placed');
    (poison.data as { placedAt: string }).placedAt = 'not a time';
    backlog.splice(Math.floor(backlog.length / 2), 0, poison);
    // Batches of 40, so most find their customers' summaries already holding days (a day inside a customer's range too).
    t = await AnalyticsTestApp.start({ EVENT_MAX_DELIVER: '2', ANALYTICS_INGEST_BATCH_SIZE: '40' }, backlog);
  });
  afterAll(() => t?.stop());

  const summaries = async () =>
    Object.fromEntries(
      (
        await t.sql<{ customer_id: string; orders: number; monetary_minor: string; purchase_days: number }>(
          `SELECT customer_id, orders, monetary_minor, purchase_days FROM customer_orders WHERE customer_id = ANY($1::uuid[])`,
          [customers],
        )
      ).map((r) => [r.customer_id, { orders: r.orders, monetary: Number(r.monetary_minor), days: r.purchase_days }]),
    );
  const wanted = () =>
    Object.fromEntries(
      [...expected].map(([id, e]) => [id, { orders: e.orders, monetary: e.monetary, days: e.days.size }]),
    );

  it('applies the backlog in few transactions, each order at its newest version, each customer summed right', async () => {
    await waitFor(
      async () => (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM orders`))[0].n,
      (n) => n === CUSTOMERS * ORDERS_PER_CUSTOMER,
      60_000,
    );
    // Every order exists; their later versions (refunds, cancellations) may still be on their way.
    await waitFor(summaries, (s) => isDeepStrictEqual(s, wanted()), 30_000).catch(() => undefined);
    expect(await summaries()).toEqual(wanted());
    const orders = await t.sql<{ order_id: string; version: number; status: string; refunded_minor: string }>(
      `SELECT order_id, version, status, refunded_minor FROM orders`,
    );
    expect(
      Object.fromEntries(
        orders.map((o) => [o.order_id, { version: o.version, status: o.status, refunded: Number(o.refunded_minor) }]),
      ),
    ).toEqual(Object.fromEntries(newest));
    // Rows written in one transaction share its now(): far fewer distinct times than events.
    const [inbox] = await t.sql<{ events: number; transactions: number }>(
      `SELECT count(*)::int AS events, count(DISTINCT received_at)::int AS transactions FROM inbox WHERE type LIKE 'crm.sales.order.%'`,
    );
    expect(inbox.events).toBe(backlog.length - 1);
    expect(inbox.transactions).toBeLessThan(inbox.events / 5);
  });

  it('dead-letters the poisoned order event alone', async () => {
    const jsm = await t.nc.jetstreamManager();
    const letters = await waitFor(
      async () => (await readStream(jsm, t.naming.dlqStream).catch(() => [])).map((m) => m.json() as DeadLetter),
      (l) => l.length > 0,
      30_000,
    );
    expect(letters.map((l) => (l.event as CloudEvent).id)).toEqual([poison.id]);
    expect(letters[0].consumer).toBe('analytics');
    const [row] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE order_id = $1`, [
      (poison.data as { id: string }).id,
    ]);
    expect(row.n).toBe(0);
  });

  it('applies nothing twice when the whole backlog is delivered again', async () => {
    const before = await t.sql<{ customer_id: string; updated_at: Date }>(
      `SELECT customer_id, updated_at FROM customer_orders ORDER BY customer_id`,
    );
    const jsm = await t.nc.jetstreamManager();
    const stream = t.naming.streamFor('sales');
    // The same events again, as a producer's relay re-sending them would (other message ids, same event ids).
    for (const e of backlog) if (e.id !== poison.id) await t.publish(e, `${e.id}-again`);
    const last = (await jsm.streams.info(stream)).state.last_seq;
    await waitFor(
      async () => {
        const i = await jsm.consumers.info(stream, 'analytics');
        return i.delivered.stream_seq >= last && i.num_ack_pending === 0 && i.num_pending === 0;
      },
      (done) => done,
      60_000,
    );
    expect(await summaries()).toEqual(wanted());
    expect(
      await t.sql<{ customer_id: string; updated_at: Date }>(
        `SELECT customer_id, updated_at FROM customer_orders ORDER BY customer_id`,
      ),
    ).toEqual(before);
  });

  /** Every summary as recomputing it from the orders gives it (what the deltas must keep equal to). */
  const RECOMPUTED = `SELECT customer_id, min(day)::text AS first_day, max(day)::text AS last_day, sum(n)::int AS orders,
         count(*)::int AS purchase_days, sum(amount)::text AS monetary_minor,
         COALESCE(sum(amount) FILTER (WHERE day > first_day), 0)::text AS repeat_minor
    FROM (SELECT customer_id, placed_day AS day, count(*) AS n, sum(total_minor - refunded_minor) AS amount,
                 min(placed_day) OVER (PARTITION BY customer_id) AS first_day
            FROM orders WHERE status <> 'cancelled' AND customer_id = ANY($1::uuid[]) GROUP BY customer_id, placed_day) d
   GROUP BY customer_id ORDER BY customer_id`;
  const STORED = `SELECT customer_id, first_day::text, last_day::text, orders, purchase_days, monetary_minor::text,
         repeat_minor::text FROM customer_orders WHERE customer_id = ANY($1::uuid[]) AND orders > 0 ORDER BY customer_id`;

  it('keeps first day, last day and repeat spend of every summary as a recompute from the orders gives them', async () => {
    const recomputed = await t.sql(RECOMPUTED, [customers]);
    expect(recomputed).toHaveLength(CUSTOMERS);
    expect(await t.sql(STORED, [customers])).toEqual(recomputed);
  });

  it('updates a summary from each change: a refund lowers it, a cancelled first day or a moved order moves its days, a repeat changes nothing', async () => {
    const contactId = uuidv7();
    const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()];
    const summary = async () =>
      (
        await t.sql<{
          first_day: string;
          last_day: string;
          orders: number;
          purchase_days: number;
          monetary_minor: string;
          repeat_minor: string;
        }>(
          `SELECT first_day::text, last_day::text, orders, purchase_days, monetary_minor::text, repeat_minor::text
             FROM customer_orders WHERE customer_id = $1`,
          [contactId],
        )
      )[0];
    const step = async (events: CloudEvent[], want: Record<string, unknown>) => {
      for (const e of events) await t.publish(e);
      await waitFor(summary, (s) => isDeepStrictEqual(s, want), 30_000).catch(() => undefined);
      expect(await summary()).toEqual(want);
      const [stored] = await t.sql(STORED, [[contactId]]);
      const [recomputed] = await t.sql(RECOMPUTED, [[contactId]]);
      expect(stored).toEqual(recomputed);
    };
    const [d30, d20, d10, d5] = [daysAgo(30), daysAgo(20), daysAgo(10), daysAgo(5)];
    const placeA = orderEvent({ id: a, contactId, day: d30, totalMinor: 1000 }, 'placed');
    await step(
      [
        placeA,
        orderEvent({ id: b, contactId, day: d20, totalMinor: 2000 }, 'placed'),
        orderEvent({ id: c, contactId, day: d10, totalMinor: 4000 }, 'placed'),
      ],
      { first_day: d30, last_day: d10, orders: 3, purchase_days: 3, monetary_minor: '7000', repeat_minor: '6000' },
    );
    // A refund of 500 on b: spend and repeat spend drop by it.
    const refundB = orderEvent(
      { id: b, version: 2, contactId, day: d20, totalMinor: 2000, refundedMinor: 500, status: 'paid' },
      'refunded',
    );
    await step([refundB], {
      first_day: d30,
      last_day: d10,
      orders: 3,
      purchase_days: 3,
      monetary_minor: '6500',
      repeat_minor: '5500',
    });
    // The same refund again under another event id, and a's placement again: nothing changes.
    await step(
      [
        { ...refundB, id: uuidv7() },
        { ...placeA, id: uuidv7() },
      ],
      {
        first_day: d30,
        last_day: d10,
        orders: 3,
        purchase_days: 3,
        monetary_minor: '6500',
        repeat_minor: '5500',
      },
    );
    // a, the first day's only order, is cancelled: the first day moves to b's, whose spend is no longer repeat.
    await step(
      [orderEvent({ id: a, version: 2, contactId, day: d30, totalMinor: 1000, status: 'cancelled' }, 'cancelled')],
      {
        first_day: d20,
        last_day: d10,
        orders: 2,
        purchase_days: 2,
        monetary_minor: '5500',
        repeat_minor: '4000',
      },
    );
    // c moves to a later day, then a's cancellation arrives again (a stale version 1 after it too): only c moves.
    await step(
      [
        orderEvent({ id: c, version: 2, contactId, day: d5, totalMinor: 4000, status: 'paid' }, 'paid'),
        orderEvent({ id: a, version: 2, contactId, day: d30, totalMinor: 1000, status: 'cancelled' }, 'cancelled'),
        { ...placeA, id: uuidv7() },
      ],
      { first_day: d20, last_day: d5, orders: 2, purchase_days: 2, monetary_minor: '5500', repeat_minor: '4000' },
    );
    // c is cancelled too: the last day is read again from what is left.
    await step(
      [orderEvent({ id: c, version: 3, contactId, day: d5, totalMinor: 4000, status: 'cancelled' }, 'cancelled')],
      {
        first_day: d20,
        last_day: d20,
        orders: 1,
        purchase_days: 1,
        monetary_minor: '1500',
        repeat_minor: '0',
      },
    );
    // New orders after the last day, then strictly inside the range on a new day, then on that day again; the
    // first of those two cancelled: the day stays, with the other order.
    const [x, y, z] = [uuidv7(), uuidv7(), uuidv7()];
    const [d15, d18] = [daysAgo(15), daysAgo(18)];
    await step([orderEvent({ id: x, contactId, day: d15, totalMinor: 100 }, 'placed')], {
      first_day: d20,
      last_day: d15,
      orders: 2,
      purchase_days: 2,
      monetary_minor: '1600',
      repeat_minor: '100',
    });
    await step([orderEvent({ id: y, contactId, day: d18, totalMinor: 200 }, 'placed')], {
      first_day: d20,
      last_day: d15,
      orders: 3,
      purchase_days: 3,
      monetary_minor: '1800',
      repeat_minor: '300',
    });
    await step([orderEvent({ id: z, contactId, day: d18, totalMinor: 300 }, 'placed')], {
      first_day: d20,
      last_day: d15,
      orders: 4,
      purchase_days: 3,
      monetary_minor: '2100',
      repeat_minor: '600',
    });
    await step(
      [orderEvent({ id: y, version: 2, contactId, day: d18, totalMinor: 200, status: 'cancelled' }, 'cancelled')],
      { first_day: d20, last_day: d15, orders: 3, purchase_days: 3, monetary_minor: '1900', repeat_minor: '400' },
    );
  });
});
