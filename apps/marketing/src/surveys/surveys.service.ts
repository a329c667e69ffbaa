import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { MARKETING_EVENTS, type SurveyAnsweredPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { decodeCursor, encodeCursor, inTransaction, uuidv7 } from '@crm/persistence';
import { validationFailed, type FieldProblem, type Page } from '@crm/platform';
import { MARKETING_SETTINGS, type MarketingSettings } from '../shared/marketing-settings';
import { marketingError } from '../shared/marketing-errors';
import type { CreateSurveyDto, QuestionDto } from './dto/survey.dto';
import { npsOf } from './nps';

interface SurveyRow {
  id: string;
  name: string;
  questions: QuestionDto[];
  version: number;
  created_at: Date;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const view = (s: SurveyRow) => ({
  id: s.id,
  name: s.name,
  questions: s.questions,
  version: s.version,
  createdAt: s.created_at.toISOString(),
});

@Injectable()
export class SurveysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
    @Inject(MARKETING_SETTINGS) private readonly settings: MarketingSettings,
  ) {}

  async create(dto: CreateSurveyDto) {
    const problems: FieldProblem[] = [];
    const ids = new Set<string>();
    dto.questions.forEach((q, i) => {
      if (ids.has(q.id)) problems.push({ field: `questions.${i}.id`, message: 'is used twice' });
      ids.add(q.id);
      if (q.kind === 'choice' && !q.options?.length)
        problems.push({ field: `questions.${i}.options`, message: 'a choice question needs options' });
    });
    if (dto.questions.filter((q) => q.kind === 'nps').length > 1)
      problems.push({ field: 'questions', message: 'a survey has at most one NPS question' });
    if (problems.length) throw validationFailed(problems);
    const id = uuidv7();
    return inTransaction(this.dataSource, async (m) => {
      await m.query(`INSERT INTO surveys (id, name, questions) VALUES ($1, $2, $3)`, [
        id,
        dto.name,
        JSON.stringify(dto.questions),
      ]);
      return view(await this.row(m, id));
    });
  }

  private async row(m: EntityManager, id: string): Promise<SurveyRow> {
    const [s]: SurveyRow[] = await m.query(`SELECT * FROM surveys WHERE id = $1`, [id]);
    if (!s) throw marketingError('SURVEY_NOT_FOUND', `No survey ${id}`);
    return s;
  }

  async get(id: string) {
    return view(await this.row(this.dataSource.manager, id));
  }

  /** Newest first, keyset paged on the (time-ordered) id. */
  async list(page: { limit?: number; cursor?: string }): Promise<Page<ReturnType<typeof view>>> {
    const limit = page.limit ?? 50;
    const after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : null;
    if (after !== null && !/^[0-9a-f-]{36}$/i.test(after))
      throw validationFailed([{ field: 'cursor', message: 'it does not match this listing and sort order' }]);
    const rows: SurveyRow[] = await this.dataSource.query(
      `SELECT * FROM surveys WHERE ($1::uuid IS NULL OR id < $1::uuid) ORDER BY id DESC LIMIT $2`,
      [after, limit + 1],
    );
    const items = rows.slice(0, limit).map(view);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  /** One unguessable link per contact (32 random bytes; only its hash is kept). */
  async invite(id: string, contactIds: string[]) {
    return inTransaction(this.dataSource, async (m) => {
      await this.row(m, id);
      const items = [];
      for (const contactId of [...new Set(contactIds)]) {
        const token = randomBytes(32).toString('base64url');
        await m.query(
          `INSERT INTO survey_invitations (id, survey_id, contact_id, token_hash) VALUES ($1, $2, $3, $4)`,
          [uuidv7(), id, contactId, hash(token)],
        );
        items.push({ contactId, link: `${this.settings.TRACKING_BASE_URL}/s/${token}` });
      }
      return { items };
    });
  }

  private async invitation(m: EntityManager, token: string, lock = false) {
    const [inv]: { id: string; survey_id: string; contact_id: string | null; answered_at: Date | null }[] =
      await m.query(
        `SELECT id, survey_id, contact_id, answered_at FROM survey_invitations WHERE token_hash = $1 ${lock ? 'FOR UPDATE' : ''}`,
        [hash(token)],
      );
    if (!inv) throw marketingError('SURVEY_LINK_INVALID', 'This survey link is not valid');
    return inv;
  }

  async forToken(token: string) {
    const inv = await this.invitation(this.dataSource.manager, token);
    const s = await this.row(this.dataSource.manager, inv.survey_id);
    return { name: s.name, questions: s.questions, answered: inv.answered_at !== null };
  }

  async answer(token: string, answers: Record<string, unknown>) {
    return inTransaction(this.dataSource, async (m) => {
      const inv = await this.invitation(m, token, true);
      if (inv.answered_at) throw marketingError('SURVEY_ALREADY_ANSWERED', 'This survey was already answered');
      const s = await this.row(m, inv.survey_id);
      const problems: FieldProblem[] = [];
      const known = new Set(s.questions.map((q) => q.id));
      for (const key of Object.keys(answers))
        if (!known.has(key)) problems.push({ field: `answers.${key}`, message: 'is not a question of this survey' });
      for (const q of s.questions) {
        const v = answers[q.id];
        if (v === undefined) continue;
        const field = `answers.${q.id}`;
        if (q.kind === 'nps' && !(Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 10))
          problems.push({ field, message: 'must be a whole number from 0 to 10' });
        if (q.kind === 'rating' && !(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 5))
          problems.push({ field, message: 'must be a whole number from 1 to 5' });
        if (q.kind === 'choice' && !(typeof v === 'string' && q.options?.includes(v)))
          problems.push({ field, message: `must be one of ${q.options?.join(', ')}` });
        if (q.kind === 'text' && !(typeof v === 'string' && v.length <= 5000))
          problems.push({ field, message: 'must be text of at most 5000 characters' });
      }
      if (problems.length) throw validationFailed(problems);
      const npsQuestion = s.questions.find((q) => q.kind === 'nps');
      const nps = npsQuestion && answers[npsQuestion.id] !== undefined ? (answers[npsQuestion.id] as number) : null;
      const id = uuidv7();
      const answeredAt = new Date().toISOString();
      await m.query(
        `INSERT INTO survey_responses (id, survey_id, invitation_id, contact_id, answers, nps, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, s.id, inv.id, inv.contact_id, JSON.stringify(answers), nps, answeredAt],
      );
      await m.query(`UPDATE survey_invitations SET answered_at = $2 WHERE id = $1`, [inv.id, answeredAt]);
      const data: SurveyAnsweredPayload = {
        surveyId: s.id,
        responseId: id,
        contactId: inv.contact_id,
        nps,
        answeredAt,
      };
      await this.events.publish(m, { type: MARKETING_EVENTS.surveyAnswered, subject: id, version: 1, data });
      return { responseId: id };
    });
  }

  async nps(id: string, segmentId?: string) {
    await this.row(this.dataSource.manager, id);
    const rows: { nps: number }[] = await this.dataSource.query(
      `SELECT r.nps FROM survey_responses r WHERE r.survey_id = $1 AND r.nps IS NOT NULL
          AND ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM segment_members sm WHERE sm.segment_id = $2 AND sm.contact_id = r.contact_id))`,
      [id, segmentId ?? null],
    );
    return { surveyId: id, segmentId: segmentId ?? null, ...npsOf(rows.map((r) => r.nps)) };
  }
}
