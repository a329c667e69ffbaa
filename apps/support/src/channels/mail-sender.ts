import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createTransport, type Transporter } from 'nodemailer';
import type { DataSource } from 'typeorm';
import { inTransaction } from '@crm/persistence';
import { SUPPORT_CONFIG, type SupportConfig } from '../shared/support-config';

interface MailRow {
  id: string;
  to_address: string;
  subject: string;
  in_reply_to: string | null;
  body: string;
  email_message_id: string;
  references: string[] | null;
}

/**
 * Sends the public agent replies of email tickets over SMTP (nodemailer),
 * from the outgoing_mail rows written with the reply: a reply is mailed
 * after it was committed, retried until the server takes it. Its Message-ID
 * is the one stored on the message, so the customer's answer threads back.
 */
@Injectable()
export class MailSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('MailSender');
  private transport?: Transporter;
  private timer?: NodeJS.Timeout;
  private busy?: Promise<void>;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SUPPORT_CONFIG) private readonly config: SupportConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.SMTP_OUTBOUND_URL) return;
    this.transport = createTransport(this.config.SMTP_OUTBOUND_URL);
    const tick = () => {
      if (this.stopped) return;
      this.busy = this.sendDue()
        .catch((e: Error) => this.logger.warn(`outgoing mail: ${e.message}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, 500);
        });
    };
    this.timer = setTimeout(tick, 200);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.busy;
    this.transport?.close();
  }

  private async sendDue(): Promise<void> {
    await inTransaction(this.dataSource, async (m) => {
      const rows: MailRow[] = await m.query(
        `SELECT o.id, o.to_address, o.subject, o.in_reply_to, msg.body, msg.email_message_id,
                (SELECT array_agg(email_message_id ORDER BY created_at) FROM ticket_messages
                  WHERE ticket_id = msg.ticket_id AND email_message_id IS NOT NULL AND id <> msg.id) AS "references"
           FROM outgoing_mail o JOIN ticket_messages msg ON msg.id = o.message_id
          WHERE o.sent_at IS NULL AND o.attempts < 20 ORDER BY o.created_at LIMIT 20 FOR UPDATE OF o SKIP LOCKED`,
      );
      for (const r of rows) {
        try {
          await this.transport?.sendMail({
            from: this.config.MAIL_FROM,
            to: r.to_address,
            subject: r.subject,
            text: r.body,
            messageId: r.email_message_id,
            inReplyTo: r.in_reply_to ?? undefined,
            references: r.references ?? undefined,
          });
          await m.query(`UPDATE outgoing_mail SET sent_at = now(), attempts = attempts + 1 WHERE id = $1`, [r.id]);
        } catch (error) {
          await m.query(`UPDATE outgoing_mail SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [
            r.id,
            String((error as Error).message).slice(0, 500),
          ]);
        }
      }
    });
  }
}
