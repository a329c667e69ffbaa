import { createTransport } from 'nodemailer';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@crm/messaging';
import { MailReceiver } from './mail-receiver';
import { signWebhook } from './webhook.controller';
import { startSupportApp, type Json, type SupportTestApp } from '../testing/support-test-app';

jest.setTimeout(60_000);

const WEBHOOK_SECRET = 'webhook-spec-secret-0123456789';

describe('inbound email over SMTP, outgoing replies and the signed chat webhook (real SMTP, Postgres, NATS)', () => {
  let s: SupportTestApp;
  let customerInbox: ParsedMail[];
  let customerServer: SMTPServer;
  let receiverPort: number;
  let teamId: string;

  beforeAll(async () => {
    // The customer's mail server: a real SMTP receiver that keeps what support sends.
    customerInbox = [];
    customerServer = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData: (stream, _session, cb) => {
        void simpleParser(stream).then((m) => {
          customerInbox.push(m);
          cb();
        }, cb);
      },
    });
    await new Promise<void>((r) => customerServer.listen(0, '127.0.0.1', () => r()));
    const customerPort = (customerServer as unknown as { server: { address(): AddressInfo } }).server.address().port;
    s = await startSupportApp('channels', {
      SMTP_INBOUND_PORT: '0',
      SMTP_OUTBOUND_URL: `smtp://127.0.0.1:${customerPort}`,
      WEBHOOK_SECRET,
    });
    receiverPort = s.app.get(MailReceiver).port as number;
    const team = await s.call('POST', '/teams', { body: { name: 'Helpdesk', emailAddress: 'help@support.example' } });
    teamId = team.body.id;
  });

  afterAll(async () => {
    await s.close();
    await new Promise<void>((r) => customerServer.close(() => r()));
  });

  /** The answer is what the service's OpenAPI document declares for the route: no field missing, none undeclared. */
  const conforms = async (method: string, route: string, answer: { body: unknown }) =>
    expect(await s.answerViolations(method, route, answer.body)).toEqual([]);

  const mailer = () =>
    createTransport({
      host: '127.0.0.1',
      port: receiverPort,
      secure: false,
      ignoreTLS: true,
      tls: { rejectUnauthorized: false },
    });

  it('turns a mail to the team address into a ticket, mails the reply, and threads the answer onto the same ticket', async () => {
    const transport = mailer();
    await transport.sendMail({
      from: '"Ada Lovelace" <ada@example.com>',
      to: 'help@support.example',
      subject: 'Printer jams',
      text: 'It jams on every page.',
      messageId: '<first-1@example.com>',
    });
    const [ticket] = await waitFor(
      async () => (await s.call('GET', `/tickets?teamId=${teamId}`)).body.items as Json[],
      (items) => items.length === 1,
    );
    expect(ticket).toMatchObject({
      subject: 'Printer jams',
      channel: 'email',
      requester: { email: 'ada@example.com', name: 'Ada Lovelace' },
    });
    const reply = await s.call('POST', `/tickets/${ticket.id}/messages`, { body: { body: 'Try the rear tray.' } });
    expect(reply.status).toBe(201);
    await s.call('POST', `/tickets/${ticket.id}/messages`, {
      body: { body: 'internal: jams are known', internal: true },
    });
    const [sent] = await waitFor(
      async () => customerInbox,
      (inbox) => inbox.length >= 1,
    );
    expect(sent.text?.trim()).toBe('Try the rear tray.');
    expect(sent.inReplyTo).toBe('<first-1@example.com>');
    expect(sent.subject).toContain('Printer jams');
    // A ticket and messages that came by mail answer as declared too.
    await conforms('GET', '/tickets', await s.call('GET', `/tickets?teamId=${teamId}`));
    await conforms('GET', '/tickets/{id}', await s.call('GET', `/tickets/${ticket.id}`));
    await conforms('GET', '/tickets/{id}/messages', await s.call('GET', `/tickets/${ticket.id}/messages`));
    // The customer answers the reply: it lands on the same ticket, found by In-Reply-To.
    await transport.sendMail({
      from: 'ada@example.com',
      to: 'help@support.example',
      subject: `Re: ${sent.subject}`,
      text: 'Rear tray works, thanks!',
      messageId: '<second-2@example.com>',
      inReplyTo: sent.messageId,
      references: ['<first-1@example.com>', sent.messageId as string],
    });
    const msgs = await waitFor(
      async () => (await s.call('GET', `/tickets/${ticket.id}/messages`)).body.items as Json[],
      (items) => items.length === 4,
    );
    expect(msgs.map((m) => [m.authorType, m.body])).toEqual([
      ['customer', 'It jams on every page.'],
      ['agent', 'Try the rear tray.'],
      ['agent', 'internal: jams are known'],
      ['customer', 'Rear tray works, thanks!'],
    ]);
    expect((await s.call('GET', `/tickets?teamId=${teamId}`)).body.items).toHaveLength(1);
    // Only the public reply went out.
    await new Promise((r) => setTimeout(r, 800));
    expect(customerInbox).toHaveLength(1);
    // The same mail delivered again creates nothing.
    const before = await s.count('ticket_messages');
    await transport.sendMail({
      from: 'ada@example.com',
      to: 'help@support.example',
      subject: 'Re: again',
      text: 'Rear tray works, thanks!',
      messageId: '<second-2@example.com>',
      inReplyTo: sent.messageId,
    });
    expect(await s.count('ticket_messages')).toBe(before);
    transport.close();
  });

  it('refuses mail to an address no team has at RCPT TO', async () => {
    const transport = mailer();
    await expect(
      transport.sendMail({ from: 'x@example.com', to: 'nobody@support.example', subject: 'x', text: 'x' }),
    ).rejects.toThrow(/550/);
    transport.close();
  });

  async function webhook(body: string, opts: { secret?: string; at?: number; signature?: string } = {}) {
    const ts = String(opts.at ?? Math.floor(Date.now() / 1000));
    return s.call('POST', '/channels/webhook/chat', {
      token: null,
      raw: body,
      headers: {
        'x-crm-timestamp': ts,
        'x-crm-signature': opts.signature ?? signWebhook(opts.secret ?? WEBHOOK_SECRET, ts, body),
      },
    });
  }

  it('takes a signed chat message once: a replayed webhook creates nothing new, a follow-up joins the conversation', async () => {
    const msg = (id: string, text: string) =>
      JSON.stringify({ messageId: id, conversationId: 'conv-42', from: { id: 'u-7', name: 'Lin' }, text, teamId });
    const body = msg('m-1', 'My order has not arrived');
    const first = await webhook(body);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: true, duplicate: false });
    await conforms('POST', '/channels/webhook/{channel}', first);
    const [tickets, messages] = [await s.count('tickets'), await s.count('ticket_messages')];
    const replay = await webhook(body);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ ticketId: first.body.ticketId, duplicate: true, created: false });
    await conforms('POST', '/channels/webhook/{channel}', replay);
    expect([await s.count('tickets'), await s.count('ticket_messages')]).toEqual([tickets, messages]);
    const followUp = await webhook(msg('m-2', 'Any news?'));
    expect(followUp.body).toMatchObject({ ticketId: first.body.ticketId, created: false });
    const t = await s.call('GET', `/tickets/${first.body.ticketId}`);
    expect(t.body.channel).toBe('chat');
  });

  it('refuses a bad signature, a stale timestamp and a body changed after signing, creating nothing', async () => {
    const body = JSON.stringify({ messageId: 'm-x', conversationId: 'c-x', from: { id: 'u' }, text: 'hi' });
    const before = await s.count('tickets');
    const wrongKey = await webhook(body, { secret: 'another-secret-0123456789' });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    const stale = await webhook(body, { at: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale.status).toBe(401);
    expect(JSON.stringify(stale.body)).toContain('x-crm-timestamp');
    const ts = String(Math.floor(Date.now() / 1000));
    const tampered = await webhook(body.replace('hi', 'ho'), {
      at: Number(ts),
      signature: signWebhook(WEBHOOK_SECRET, ts, body),
    });
    expect(tampered.status).toBe(401);
    expect(await s.count('tickets')).toBe(before);
  });
});
