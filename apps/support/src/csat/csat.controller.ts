import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SUPPORT_EVENTS, type SupportCsatReceivedPayload } from '@crm/contracts';
import { EventPublisher } from '@crm/messaging';
import { inTransaction } from '@crm/persistence';
import { ApiProblem, Public, RequirePermission } from '@crm/platform';
import { supportError } from '../shared/support-errors';
import { IsGivenOnce } from '../shared/validators';
import { CsatAnswerViewDto, CsatResultsDto, CsatSurveyDto } from './dto/csat-view.dto';

class TokenParams {
  @ApiProperty({
    description: 'The token of the survey link',
    minLength: 43,
    maxLength: 43,
    pattern: '^[A-Za-z0-9_-]{43}$',
  })
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'is not a survey token' })
  token!: string;
}

class AnswerDto {
  @ApiProperty({ minimum: 1, maximum: 5 })
  @IsInt({ message: 'must be a whole number from 1 to 5' })
  @Min(1, { message: 'must be a whole number from 1 to 5' })
  @Max(5, { message: 'must be a whole number from 1 to 5' })
  score!: number;
  @ApiPropertyOptional({ maxLength: 2000 }) @IsOptional() @IsString() @MaxLength(2000) comment?: string;
}

class ResultsQuery {
  @ApiProperty({ enum: ['agent', 'team'] }) @IsGivenOnce() @IsIn(['agent', 'team']) by!: 'agent' | 'team';
}

interface SurveyRow {
  id: string;
  ticket_id: string;
  agent_id: string | null;
  team_id: string | null;
  requester_id: string | null;
  expires_at: Date;
  answered_at: Date | null;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * CSAT surveys, answered without login through the link's unguessable token
 * (only its hash is stored), once, before it expires.
 */
@ApiTags('csat')
@Controller('csat')
export class CsatController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventPublisher,
  ) {}

  @Get('results')
  @RequirePermission('support:read')
  @ApiOperation({ summary: 'Average score and answers per agent or team' })
  @ApiOkResponse({ type: CsatResultsDto })
  async results(@Query() q: ResultsQuery) {
    const col = q.by === 'agent' ? 'agent_id' : 'team_id';
    const rows: { id: string | null; answers: number; average: number }[] = await this.dataSource.query(
      `SELECT ${col} AS id, count(*)::int AS answers, round(avg(score)::numeric, 2)::float8 AS average
         FROM csat_surveys WHERE answered_at IS NOT NULL GROUP BY ${col} ORDER BY ${col} NULLS LAST`,
    );
    return { by: q.by, items: rows };
  }

  @Get(':token')
  @Public()
  @ApiOperation({ summary: 'The survey behind a link (no login): which ticket, whether it can still be answered' })
  @ApiOkResponse({ type: CsatSurveyDto })
  async show(@Param() { token }: TokenParams) {
    const [s]: (SurveyRow & { subject: string; number: string })[] = await this.dataSource.query(
      `SELECT s.*, t.subject, t.number FROM csat_surveys s JOIN tickets t ON t.id = s.ticket_id WHERE s.token_hash = $1`,
      [hash(token)],
    );
    if (!s) throw supportError('CSAT_NOT_FOUND', 'No survey behind this link');
    return {
      ticketNumber: Number(s.number),
      subject: s.subject,
      answered: !!s.answered_at,
      expiresAt: new Date(s.expires_at).toISOString(),
    };
  }

  @Post(':token')
  @HttpCode(200)
  @Public()
  @ApiOperation({ summary: 'Answer the survey (1-5 and a comment), once; emits crm.support.csat.received' })
  @ApiOkResponse({ type: CsatAnswerViewDto })
  @ApiProblem(409, 'CSAT_ALREADY_ANSWERED: a survey takes one answer')
  @ApiProblem(410, 'CSAT_EXPIRED')
  answer(@Param() { token }: TokenParams, @Body() dto: AnswerDto) {
    return inTransaction(this.dataSource, async (m) => {
      const [s]: SurveyRow[] = await m.query(`SELECT * FROM csat_surveys WHERE token_hash = $1 FOR UPDATE`, [
        hash(token),
      ]);
      if (!s) throw supportError('CSAT_NOT_FOUND', 'No survey behind this link');
      if (s.answered_at) throw supportError('CSAT_ALREADY_ANSWERED', 'This survey was already answered');
      if (new Date(s.expires_at).getTime() < Date.now()) throw supportError('CSAT_EXPIRED', 'This survey has expired');
      const answeredAt = new Date();
      await m.query(`UPDATE csat_surveys SET score = $2, comment = $3, answered_at = $4 WHERE id = $1`, [
        s.id,
        dto.score,
        dto.comment ?? null,
        answeredAt,
      ]);
      const [{ version }]: { version: number }[] = await m.query(`SELECT version FROM tickets WHERE id = $1`, [
        s.ticket_id,
      ]);
      const data: SupportCsatReceivedPayload = {
        surveyId: s.id,
        ticketId: s.ticket_id,
        agentId: s.agent_id,
        teamId: s.team_id,
        requesterId: s.requester_id,
        score: dto.score,
        answeredAt: answeredAt.toISOString(),
      };
      await this.events.publish(m, { type: SUPPORT_EVENTS.csatReceived, subject: s.ticket_id, version, data });
      return { score: dto.score, answeredAt: data.answeredAt };
    });
  }
}
