import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '@crm/persistence';
import type { SupportChannel } from '@crm/contracts';
import { MessagesService } from '../tickets/messages.service';
import type { TicketRow } from '../tickets/ticket-view';
import { TicketsService } from '../tickets/tickets.service';

export interface InboundMessage {
  channel: SupportChannel;
  teamId: string | null;
  subject: string;
  body: string;
  fromName: string | null;
  fromEmail: string | null;
  /** Email: its Message-ID. */
  emailMessageId?: string | null;
  /** Email: In-Reply-To and References, nearest first. */
  replyTo?: string[];
  /** Chat/social: `<platform>:<message id>`, unique. */
  platformMessageKey?: string | null;
  /** Chat/social: `<platform>:<conversation id>`: messages of one conversation go to its open ticket. */
  conversationKey?: string | null;
  attachments?: { documentId: string; name?: string }[];
}

export interface InboundOutcome {
  ticketId: string;
  messageId: string | null;
  created: boolean;
  duplicate: boolean;
}

const UNIQUE = '23505';

/**
 * Turns an inbound email or chat message into a ticket or a message on the
 * ticket it answers: by In-Reply-To/References for mail, by conversation for
 * chat. The same Message-ID or platform message id twice creates nothing new.
 */
@Injectable()
export class InboundService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tickets: TicketsService,
    private readonly messages: MessagesService,
  ) {}

  async receive(msg: InboundMessage): Promise<InboundOutcome> {
    try {
      return await inTransaction(this.dataSource, (m) => this.receiveIn(m, msg));
    } catch (error) {
      // A concurrent delivery of the same message won the race: answer as for a replay.
      if ((error as { code?: string }).code === UNIQUE) {
        const seen = await this.seen(this.dataSource.manager, msg);
        if (seen) return seen;
      }
      throw error;
    }
  }

  private async seen(m: EntityManager, msg: InboundMessage): Promise<InboundOutcome | null> {
    const [row]: { id: string; ticket_id: string }[] = await m.query(
      `SELECT id, ticket_id FROM ticket_messages WHERE ($1::text IS NOT NULL AND email_message_id = $1)
          OR ($2::text IS NOT NULL AND platform_message_key = $2) LIMIT 1`,
      [msg.emailMessageId ?? null, msg.platformMessageKey ?? null],
    );
    return row ? { ticketId: row.ticket_id, messageId: row.id, created: false, duplicate: true } : null;
  }

  private async receiveIn(m: EntityManager, msg: InboundMessage): Promise<InboundOutcome> {
    const replay = await this.seen(m, msg);
    if (replay) return replay;
    const email = msg.fromEmail?.toLowerCase() ?? null;
    const [contact]: { id: string }[] = email
      ? await m.query(`SELECT id FROM contacts WHERE lower(email) = $1 AND status = 'active' LIMIT 1`, [email])
      : [];
    let ticket = await this.thread(m, msg);
    let created = false;
    if (!ticket) {
      ticket = await this.tickets.createIn(
        m,
        {
          subject: (msg.subject || '(no subject)').slice(0, 300),
          description: msg.body.slice(0, 20000),
          channel: msg.channel,
          teamId: msg.teamId ?? undefined,
          requesterId: contact?.id,
          requesterName: msg.fromName?.slice(0, 200) ?? undefined,
          requesterEmail: email ?? undefined,
          conversationKey: msg.conversationKey ?? undefined,
        },
        `channel:${msg.channel}`,
      );
      ticket = await this.tickets.lock(m, ticket.id);
      created = true;
    }
    const row = await this.messages.addIn(m, ticket, {
      body: msg.body.slice(0, 50000) || '(empty)',
      authorType: 'customer',
      authorId: ticket.requester_id,
      authorName: msg.fromName,
      authorEmail: email,
      emailMessageId: msg.emailMessageId ?? null,
      platformMessageKey: msg.platformMessageKey ?? null,
      attachments: msg.attachments,
    });
    return { ticketId: ticket.id, messageId: row.id, created, duplicate: false };
  }

  /** The ticket this message continues, if it can still take it (a merged one forwards to its target). */
  private async thread(m: EntityManager, msg: InboundMessage): Promise<TicketRow | null> {
    let id: string | null = null;
    if (msg.replyTo?.length) {
      const [hit]: { ticket_id: string }[] = await m.query(
        `SELECT ticket_id FROM ticket_messages WHERE email_message_id = ANY($1::text[])
          ORDER BY array_position($1::text[], email_message_id) LIMIT 1`,
        [msg.replyTo.slice(0, 50)],
      );
      id = hit?.ticket_id ?? null;
    } else if (msg.conversationKey) {
      const [hit]: { id: string }[] = await m.query(
        `SELECT id FROM tickets WHERE conversation_key = $1 AND status IN ('new', 'open', 'pending', 'on-hold')`,
        [msg.conversationKey],
      );
      id = hit?.id ?? null;
    }
    for (let hops = 0; id && hops < 10; hops++) {
      const [t]: TicketRow[] = await m.query(`SELECT * FROM tickets WHERE id = $1 FOR UPDATE`, [id]);
      if (!t) return null;
      if (t.merged_into) {
        id = t.merged_into;
        continue;
      }
      // A closed ticket takes no more messages: the reply opens a follow-up.
      return t.status === 'closed' ? null : t;
    }
    return null;
  }
}
