import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { SUPPORT_EVENTS, type SupportMessageAddedPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { decodeCursor, encodeCursor, inTransaction, isUuid, uuidv7 } from '@crm/persistence';
import type { Page, PageQueryDto, Principal } from '@crm/platform';
import { SlaClocks } from '../sla/sla-clocks';
import { SUPPORT_CONFIG, type SupportConfig } from '../shared/support-config';
import { badCursor, supportError } from '../shared/support-errors';
import type { AddMessageDto } from './dto/ticket.dto';
import type { TicketRow } from './ticket-view';
import { TicketsService } from './tickets.service';

export interface MessageRow {
  id: string;
  ticket_id: string;
  visibility: 'public' | 'internal';
  author_type: 'agent' | 'customer' | 'system';
  author_id: string | null;
  author_name: string | null;
  author_email: string | null;
  body: string;
  attachments: { documentId: string; name?: string; url?: string }[];
  email_message_id: string | null;
  created_at: Date;
}

export interface NewMessage {
  body: string;
  internal?: boolean;
  authorType: 'agent' | 'customer';
  authorId: string | null;
  authorName?: string | null;
  authorEmail?: string | null;
  attachments?: AddMessageDto['attachments'];
  emailMessageId?: string | null;
  platformMessageKey?: string | null;
}

export const toMessageView = (r: MessageRow) => ({
  id: r.id,
  ticketId: r.ticket_id,
  visibility: r.visibility,
  authorType: r.author_type,
  authorId: r.author_id,
  authorName: r.author_name,
  body: r.body,
  attachments: r.attachments,
  createdAt: new Date(r.created_at).toISOString(),
});

@Injectable()
export class MessagesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
    private readonly tickets: TicketsService,
    @Inject(SUPPORT_CONFIG) private readonly config: SupportConfig,
  ) {}

  add(ticketId: string, dto: AddMessageDto, by: Principal) {
    return inTransaction(this.dataSource, async (m) => {
      const t = await this.tickets.lock(m, ticketId);
      const authorType = dto.authorType ?? 'agent';
      let authorId: string | null = by.subject;
      let authorName: string | null = by.name ?? null;
      if (authorType === 'agent') {
        const [agent]: { id: string; name: string }[] = await m.query(
          `SELECT id, name FROM agents WHERE subject = $1`,
          [by.subject],
        );
        if (agent) [authorId, authorName] = [agent.id, agent.name];
      } else {
        [authorId, authorName] = [t.requester_id, t.requester_name];
      }
      const row = await this.addIn(m, t, {
        body: dto.body,
        internal: dto.internal,
        authorType,
        authorId,
        authorName,
        attachments: dto.attachments,
      });
      return toMessageView(row);
    });
  }

  /**
   * Adds a message to a locked ticket. A public agent reply meets the first
   * (and next) response targets, opens a new ticket and, on an email ticket,
   * queues the mail; a customer message wakes a pending or solved ticket and
   * starts the next-response clock. A closed ticket takes nothing.
   */
  async addIn(m: EntityManager, t: TicketRow, msg: NewMessage): Promise<MessageRow> {
    if (t.status === 'closed')
      throw supportError('TICKET_CLOSED', `Ticket ${t.id} is closed; a follow-up is a new ticket`);
    const now = new Date();
    const id = uuidv7();
    const internal = msg.internal === true;
    const outgoingMail = !internal && msg.authorType === 'agent' && t.channel === 'email' && !!t.requester_email;
    const emailMessageId =
      msg.emailMessageId ?? (outgoingMail ? `<${id}@${this.config.MAIL_MESSAGE_ID_DOMAIN}>` : null);
    const [row]: MessageRow[] = await m.query(
      `INSERT INTO ticket_messages (id, ticket_id, visibility, author_type, author_id, author_name, author_email, body,
                                    attachments, email_message_id, platform_message_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
      [
        id,
        t.id,
        internal ? 'internal' : 'public',
        msg.authorType,
        msg.authorId,
        msg.authorName ?? null,
        msg.authorEmail ?? null,
        msg.body,
        JSON.stringify(msg.attachments ?? []),
        emailMessageId,
        msg.platformMessageKey ?? null,
        now,
      ],
    );
    const clocks = new SlaClocks(m);
    let ticket = t;
    if (!internal && msg.authorType === 'agent') {
      await clocks.meet(t.id, ['first_response', 'next_response'], now);
      if (!t.first_responded_at) await m.query(`UPDATE tickets SET first_responded_at = $2 WHERE id = $1`, [t.id, now]);
      if (t.status === 'new') ticket = (await this.tickets.moveIn(m, t, 'open')).ticket;
      if (outgoingMail) {
        const [last]: { email_message_id: string }[] = await m.query(
          `SELECT email_message_id FROM ticket_messages WHERE ticket_id = $1 AND author_type = 'customer'
              AND email_message_id IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1`,
          [t.id],
        );
        await m.query(
          `INSERT INTO outgoing_mail (id, message_id, to_address, subject, in_reply_to) VALUES ($1, $2, $3, $4, $5)`,
          [uuidv7(), id, t.requester_email, `Re: ${t.subject} [#${t.number}]`, last?.email_message_id ?? null],
        );
      }
    } else if (msg.authorType === 'customer') {
      if (['pending', 'on-hold', 'solved'].includes(t.status))
        ticket = (await this.tickets.moveIn(m, t, 'open')).ticket;
      const policy = await clocks.policy(t.sla_policy_id);
      if (policy && t.first_responded_at) await clocks.start(t.id, policy, ['next_response'], now);
    }
    if (ticket === t)
      await m.query(`UPDATE tickets SET version = version + 1, updated_at = now() WHERE id = $1`, [t.id]);
    const data: SupportMessageAddedPayload = {
      id,
      ticketId: t.id,
      visibility: row.visibility,
      authorType: row.author_type,
      authorId: msg.authorType === 'customer' ? t.requester_id : msg.authorId,
      channel: t.channel,
      createdAt: now.toISOString(),
    };
    const [{ version }]: { version: number }[] = await m.query(`SELECT version FROM tickets WHERE id = $1`, [t.id]);
    await this.events.publish(m, { type: SUPPORT_EVENTS.messageAdded, subject: t.id, version, data });
    return row;
  }

  /** Messages in order; `publicOnly` leaves internal notes out (what the customer may see). */
  async list(
    ticketId: string,
    page: PageQueryDto,
    publicOnly: boolean,
  ): Promise<Page<ReturnType<typeof toMessageView>>> {
    await this.tickets.get(ticketId);
    const limit = page.limit ?? 50;
    let after: string | null = null;
    if (page.cursor) {
      const [v] = decodeCursor(page.cursor, 1);
      if (!isUuid(v)) throw badCursor();
      after = v;
    }
    const rows: MessageRow[] = await this.dataSource.query(
      `SELECT * FROM ticket_messages WHERE ticket_id = $1 AND ($2::uuid IS NULL OR id > $2)
          AND (NOT $3 OR visibility = 'public') ORDER BY id LIMIT $4`,
      [ticketId, after, publicOnly, limit + 1],
    );
    const items = rows.slice(0, limit).map(toMessageView);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }
}
