import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, inTransaction, uuidv7 } from '@crm/persistence';
import { validationFailed, type FieldProblem, type Page } from '@crm/platform';
import { marketingError } from '../shared/marketing-errors';
import { render, templateProblems, textFromHtml, variablesOf, type RenderContext } from './template-engine';
import type { CreateTemplateDto, UpdateTemplateDto } from './dto/template.dto';

export interface TemplateRow {
  id: string;
  name: string;
  channel: string;
  subject: string | null;
  body: string;
  text_body: string | null;
  variables: string[];
  version: number;
  created_at: Date;
  updated_at: Date;
}

export function toTemplateView(r: TemplateRow) {
  return {
    id: r.id,
    name: r.name,
    channel: r.channel,
    subject: r.subject,
    body: r.body,
    textBody: r.text_body,
    variables: r.variables,
    version: r.version,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export interface RenderedMessage {
  subject: string | null;
  html: string;
  text: string;
}

/** A contact as templates see it, from the mirror. */
export interface MirrorContact {
  contact_id: string;
  first_name: string | null;
  last_name: string | null;
  display_name: string | null;
  email: string | null;
  country: string | null;
  city: string | null;
  locale: string | null;
  custom_fields: Record<string, unknown>;
}

export function contextFor(
  c: MirrorContact,
  campaign: { name: string; utmCampaign: string | null },
  couponCode: string | null,
  unsubscribe: string,
): RenderContext {
  return {
    contact: {
      firstName: c.first_name,
      lastName: c.last_name,
      displayName: c.display_name,
      email: c.email,
      country: c.country,
      city: c.city,
      locale: c.locale,
      customFields: c.custom_fields ?? {},
    },
    campaign,
    coupon: { code: couponCode },
    links: { unsubscribe },
  };
}

export function renderTemplate(
  t: Pick<TemplateRow, 'subject' | 'body' | 'text_body' | 'channel'>,
  ctx: RenderContext,
): RenderedMessage {
  const html = render(t.body, ctx);
  return {
    subject: t.subject ? render(t.subject, ctx) : null,
    html,
    text: t.text_body ? render(t.text_body, ctx) : t.channel === 'email' ? textFromHtml(html) : html,
  };
}

@Injectable()
export class TemplatesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private check(parts: { subject?: string; body?: string; textBody?: string }, channel: string): void {
    const problems: FieldProblem[] = [];
    for (const [field, text] of Object.entries(parts))
      if (text !== undefined) for (const message of templateProblems(text)) problems.push({ field, message });
    if (channel === 'email' && parts.subject === undefined && 'subject' in parts)
      problems.push({ field: 'subject', message: 'an email template needs a subject' });
    if (problems.length) throw validationFailed(problems);
  }

  async create(dto: CreateTemplateDto) {
    this.check({ subject: dto.subject, body: dto.body, textBody: dto.textBody }, dto.channel);
    if (dto.channel === 'email' && !dto.subject)
      throw validationFailed([{ field: 'subject', message: 'an email template needs a subject' }]);
    const id = uuidv7();
    const variables = variablesOf([dto.subject ?? '', dto.body, dto.textBody ?? ''].join('\n'));
    return inTransaction(this.dataSource, async (m) => {
      await m.query(
        `INSERT INTO templates (id, name, channel, subject, body, text_body, variables) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, dto.name, dto.channel, dto.subject ?? null, dto.body, dto.textBody ?? null, variables],
      );
      return toTemplateView(await this.row(m, id));
    });
  }

  async row(m: EntityManager, id: string, lock = false): Promise<TemplateRow> {
    const [row]: TemplateRow[] = await m.query(`SELECT * FROM templates WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [
      id,
    ]);
    if (!row) throw marketingError('TEMPLATE_NOT_FOUND', `No template ${id}`);
    return row;
  }

  async get(id: string) {
    return toTemplateView(await this.row(this.dataSource.manager, id));
  }

  async list(page: { limit?: number; cursor?: string }): Promise<Page<ReturnType<typeof toTemplateView>>> {
    const limit = page.limit ?? 50;
    const after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : null;
    const rows: TemplateRow[] = await this.dataSource.query(
      `SELECT * FROM templates WHERE ($1::uuid IS NULL OR id < $1::uuid) ORDER BY id DESC LIMIT $2`,
      [after, limit + 1],
    );
    const items = rows.slice(0, limit).map(toTemplateView);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  async update(id: string, dto: UpdateTemplateDto, ifMatch?: number) {
    return inTransaction(this.dataSource, async (m) => {
      const row = await this.row(m, id, true);
      const expected = ifMatch ?? dto.version;
      if (expected !== undefined && expected !== row.version)
        throw marketingError('VERSION_CONFLICT', `Template ${id} is at version ${row.version}, not ${expected}`, {
          currentVersion: row.version,
        });
      // Only what the PATCH changes is checked: an email template keeps its subject unless a new one is given.
      const changed = Object.fromEntries(
        Object.entries({ subject: dto.subject, body: dto.body, textBody: dto.textBody }).filter(
          ([, v]) => v !== undefined,
        ),
      );
      this.check(changed, row.channel);
      const next = {
        subject: dto.subject ?? row.subject,
        body: dto.body ?? row.body,
        text_body: dto.textBody ?? row.text_body,
      };
      await m.query(
        `UPDATE templates SET name = COALESCE($2, name), subject = $3, body = $4, text_body = $5, variables = $6,
           version = version + 1, updated_at = now() WHERE id = $1`,
        [
          id,
          dto.name ?? null,
          next.subject,
          next.body,
          next.text_body,
          variablesOf([next.subject ?? '', next.body, next.text_body ?? ''].join('\n')),
        ],
      );
      return toTemplateView(await this.row(m, id));
    });
  }

  /** The template rendered for one mirrored contact, with a sample coupon and unsubscribe link. */
  async preview(id: string, contactId: string): Promise<RenderedMessage> {
    const t = await this.row(this.dataSource.manager, id);
    const [c]: MirrorContact[] = await this.dataSource.query(
      `SELECT * FROM contact_mirror WHERE contact_id = $1 AND status = 'active'`,
      [contactId],
    );
    if (!c) throw marketingError('CONTACT_NOT_MIRRORED', `Marketing knows no active contact ${contactId}`);
    return renderTemplate(
      t,
      contextFor(c, { name: 'Preview', utmCampaign: null }, 'PREVIEW-CODE', 'https://example.invalid/unsubscribe'),
    );
  }
}
