import { createTransport, type Transporter } from 'nodemailer';
import type { ChannelSender, OutgoingMessage } from './channel';

/**
 * Email over SMTP (nodemailer, pooled connections). Each message carries
 * RFC 8058 one-click unsubscribe headers and a Message-ID derived from the
 * message id, so a relay or inbox that sees it twice can tell.
 */
export class EmailSender implements ChannelSender {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    connections: number,
  ) {
    const url = new URL(smtpUrl);
    this.transport = createTransport({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 587)),
      secure: url.protocol === 'smtps:',
      ...(url.username
        ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
        : {}),
      pool: true,
      maxConnections: connections,
      maxMessages: Infinity,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(m: OutgoingMessage): Promise<{ providerId: string }> {
    const info = await this.transport.sendMail({
      from: this.from,
      to: m.to,
      subject: m.subject ?? '',
      html: m.html,
      text: m.text,
      messageId: `<${m.messageId}@marketing.crm>`,
      headers: {
        'List-Unsubscribe': `<${m.unsubscribeUrl}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'X-Campaign-Id': m.campaignId,
        'X-Message-Id': m.messageId,
      },
    });
    return { providerId: String(info.messageId ?? m.messageId) };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
