import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import type { DataSource } from 'typeorm';
import { SUPPORT_CONFIG, type SupportConfig } from '../shared/support-config';
import { InboundService } from './inbound.service';

const MESSAGE_ID = /<[^<>\s]{1,500}>/g;

function ids(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '');
  return text.match(MESSAGE_ID) ?? [];
}

function firstAddress(a: AddressObject | AddressObject[] | undefined): { name: string | null; email: string | null } {
  const v = (Array.isArray(a) ? a[0] : a)?.value?.[0];
  return { name: v?.name || null, email: v?.address || null };
}

/**
 * A small SMTP receiver (smtp-server) for the teams' addresses: mail to a
 * team's address becomes a ticket of that team or, by In-Reply-To and
 * References, a message on the ticket it answers. Mail to any other address
 * is refused at RCPT TO (550). Runs when SMTP_INBOUND_PORT is set; put it
 * behind the MX that receives the support domain's mail.
 */
@Injectable()
export class MailReceiver implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MailReceiver');
  private server?: SMTPServer;
  port?: number;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly inbound: InboundService,
    @Inject(SUPPORT_CONFIG) private readonly config: SupportConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.SMTP_INBOUND_PORT === undefined) return;
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      size: this.config.SMTP_INBOUND_MAX_BYTES,
      logger: false,
      onRcptTo: (address, _session, callback) => {
        void this.teamOf(address).then(
          (team) =>
            team ? callback() : callback(Object.assign(new Error('No such mailbox here'), { responseCode: 550 })),
          () => callback(Object.assign(new Error('Try again later'), { responseCode: 451 })),
        );
      },
      onData: (stream, session, callback) => {
        void simpleParser(stream)
          .then(async (mail) => {
            if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded)
              throw Object.assign(new Error('Message too big'), { responseCode: 552 });
            const team = await this.teamOf(session.envelope.rcptTo[0]);
            const from = firstAddress(mail.from);
            await this.inbound.receive({
              channel: 'email',
              teamId: team,
              subject: mail.subject ?? '',
              body: (mail.text ?? '').trim(),
              fromName: from.name,
              fromEmail: from.email ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : null),
              emailMessageId: mail.messageId ?? null,
              replyTo: [...ids(mail.inReplyTo), ...ids(mail.references).reverse()],
            });
            callback();
          })
          .catch((error: Error & { responseCode?: number }) => {
            this.logger.warn(`inbound mail refused: ${error.message}`);
            callback(
              Object.assign(new Error(error.responseCode ? error.message : 'Try again later'), {
                responseCode: error.responseCode ?? 451,
              }),
            );
          });
      },
    });
    this.server.on('error', (e) => this.logger.warn(`SMTP receiver: ${e.message}`));
    await new Promise<void>((resolve) =>
      this.server?.listen(this.config.SMTP_INBOUND_PORT, this.config.SMTP_INBOUND_HOST, () => resolve()),
    );
    const address = (this.server as unknown as { server: { address(): { port: number } } }).server.address();
    this.port = address.port;
    this.logger.log(`SMTP receiver on ${this.config.SMTP_INBOUND_HOST}:${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async teamOf(address: SMTPServerAddress | undefined): Promise<string | null> {
    if (!address?.address) return null;
    const [team]: { id: string }[] = await this.dataSource.query(`SELECT id FROM teams WHERE email_address = $1`, [
      address.address.toLowerCase(),
    ]);
    return team?.id ?? null;
  }
}
