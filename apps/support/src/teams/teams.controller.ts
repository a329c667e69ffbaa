import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, isUuid, uuidv7, queryReturning } from '@crm/persistence';
import { ApiPage, PageQueryDto, RequirePermission } from '@crm/platform';
import { badCursor, notFound, supportError } from '../shared/support-errors';
import { IsNotBlank } from '../shared/validators';
import { AgentDto, TeamDto, TeamSummaryDto } from './dto/team-view.dto';

const UUID = { message: 'must be a UUID' };
const CAPACITY = { message: 'must be a whole number of open tickets, 0 to 1000' };

class CreateTeamDto {
  @ApiProperty({ maxLength: 200 }) @IsString() @Length(1, 200) @IsNotBlank() name!: string;
  @ApiPropertyOptional({ maxLength: 254, description: 'Inbound address: mail to it becomes tickets of this team' })
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  emailAddress?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID(undefined, UUID) calendarId?: string;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() autoAssign?: boolean;
}

class CreateAgentDto {
  @ApiProperty({ description: "The agent's login (token subject)", maxLength: 200 })
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  subject!: string;
  @ApiProperty({ maxLength: 200 }) @IsString() @Length(1, 200) @IsNotBlank() name!: string;
  @ApiPropertyOptional({ maxLength: 254 })
  @IsOptional()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(254)
  email?: string;
  @ApiPropertyOptional({ default: 10, minimum: 0, maximum: 1000, description: 'Open tickets at most' })
  @IsOptional()
  @IsInt(CAPACITY)
  @Min(0, CAPACITY)
  @Max(1000, CAPACITY)
  capacity?: number;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() available?: boolean;
  @ApiPropertyOptional({ format: 'uuid', description: 'Working hours; none: always' })
  @IsOptional()
  @IsUUID(undefined, UUID)
  calendarId?: string;
}

class UpdateAgentDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 1000 })
  @IsOptional()
  @IsInt(CAPACITY)
  @Min(0, CAPACITY)
  @Max(1000, CAPACITY)
  capacity?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() available?: boolean;
}

class IdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, UUID) id!: string;
}

class MemberParams extends IdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, UUID) agentId!: string;
}

interface AgentRow {
  id: string;
  subject: string;
  name: string;
  email: string | null;
  capacity: number;
  available: boolean;
  calendar_id: string | null;
  version: number;
}

const agentView = (a: AgentRow) => ({
  id: a.id,
  subject: a.subject,
  name: a.name,
  email: a.email,
  capacity: a.capacity,
  available: a.available,
  calendarId: a.calendar_id,
  version: a.version,
});

interface TeamRow {
  id: string;
  name: string;
  email_address: string | null;
  calendar_id: string | null;
  auto_assign: boolean;
  version: number;
}

const teamView = (t: TeamRow, members?: string[]) => ({
  id: t.id,
  name: t.name,
  emailAddress: t.email_address,
  calendarId: t.calendar_id,
  autoAssign: t.auto_assign,
  version: t.version,
  ...(members ? { members } : {}),
});

const UNIQUE = '23505';
const isUnique = (e: unknown) => (e as { code?: string }).code === UNIQUE;

/** Teams, agents and membership: plain records; assignment rules live in assignment.ts. */
@ApiTags('teams')
@Controller()
export class TeamsController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private async calendarExists(id: string | undefined) {
    if (!id) return;
    const [c]: unknown[] = await this.dataSource.query(`SELECT 1 FROM calendars WHERE id = $1`, [id]);
    if (!c)
      throw supportError('CALENDAR_NOT_FOUND', `No calendar ${id}`, {
        errors: [{ field: 'calendarId', message: 'no such calendar' }],
      });
  }

  private async list<T extends { id: string }>(table: string, q: PageQueryDto, map: (r: never) => T) {
    const limit = q.limit ?? 50;
    let after: string | null = null;
    if (q.cursor) {
      const [v] = decodeCursor(q.cursor, 1);
      if (!isUuid(v)) throw badCursor();
      after = v;
    }
    const rows: never[] = await this.dataSource.query(
      `SELECT * FROM ${table} WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2`,
      [after, limit + 1],
    );
    const items = rows.slice(0, limit).map(map);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  @Post('teams')
  @RequirePermission('support:admin')
  @ApiOperation({ summary: 'A team, with its inbound email address and working calendar' })
  @ApiCreatedResponse({ type: TeamDto, description: 'The team, no members yet' })
  async createTeam(@Body() dto: CreateTeamDto) {
    await this.calendarExists(dto.calendarId);
    try {
      const [row]: TeamRow[] = await this.dataSource.query(
        `INSERT INTO teams (id, name, email_address, calendar_id, auto_assign) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [
          uuidv7(),
          dto.name.trim(),
          dto.emailAddress?.toLowerCase() ?? null,
          dto.calendarId ?? null,
          dto.autoAssign ?? true,
        ],
      );
      return teamView(row, []);
    } catch (e) {
      if (isUnique(e))
        throw supportError('TEAM_ADDRESS_TAKEN', 'Another team has this address', {
          errors: [{ field: 'emailAddress', message: 'belongs to another team' }],
        });
      throw e;
    }
  }

  @Get('teams')
  @RequirePermission('support:read')
  @ApiOperation({ summary: 'Teams (members: see one team)' })
  @ApiPage(TeamSummaryDto)
  listTeams(@Query() q: PageQueryDto) {
    return this.list('teams', q, ((r: TeamRow) => teamView(r)) as (r: never) => ReturnType<typeof teamView>);
  }

  @Get('teams/:id')
  @RequirePermission('support:read')
  @ApiOperation({ summary: 'One team with its members' })
  @ApiOkResponse({ type: TeamDto })
  async getTeam(@Param() { id }: IdParams) {
    const [row]: TeamRow[] = await this.dataSource.query(`SELECT * FROM teams WHERE id = $1`, [id]);
    if (!row) throw notFound('TEAM', id);
    const members: { agent_id: string }[] = await this.dataSource.query(
      `SELECT agent_id FROM team_members WHERE team_id = $1 ORDER BY agent_id`,
      [id],
    );
    return teamView(
      row,
      members.map((m) => m.agent_id),
    );
  }

  @Put('teams/:id/members/:agentId')
  @HttpCode(204)
  @RequirePermission('support:admin')
  @ApiOperation({ summary: 'Add an agent to the team' })
  @ApiNoContentResponse({ description: 'A member (already one: no change)' })
  async addMember(@Param() { id, agentId }: MemberParams): Promise<void> {
    const [t]: unknown[] = await this.dataSource.query(`SELECT 1 FROM teams WHERE id = $1`, [id]);
    if (!t) throw notFound('TEAM', id);
    const [a]: unknown[] = await this.dataSource.query(`SELECT 1 FROM agents WHERE id = $1`, [agentId]);
    if (!a) throw notFound('AGENT', agentId);
    await this.dataSource.query(`INSERT INTO team_members (team_id, agent_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      id,
      agentId,
    ]);
  }

  @Delete('teams/:id/members/:agentId')
  @HttpCode(204)
  @RequirePermission('support:admin')
  @ApiOperation({ summary: 'Remove an agent from the team' })
  @ApiNoContentResponse({ description: 'Not a member (any more)' })
  async removeMember(@Param() { id, agentId }: MemberParams): Promise<void> {
    await this.dataSource.query(`DELETE FROM team_members WHERE team_id = $1 AND agent_id = $2`, [id, agentId]);
  }

  @Post('agents')
  @RequirePermission('support:admin')
  @ApiOperation({ summary: 'An agent: login, capacity (open tickets at most), availability, working hours' })
  @ApiCreatedResponse({ type: AgentDto })
  async createAgent(@Body() dto: CreateAgentDto) {
    await this.calendarExists(dto.calendarId);
    try {
      const [row]: AgentRow[] = await this.dataSource.query(
        `INSERT INTO agents (id, subject, name, email, capacity, available, calendar_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [
          uuidv7(),
          dto.subject,
          dto.name.trim(),
          dto.email?.toLowerCase() ?? null,
          dto.capacity ?? 10,
          dto.available ?? true,
          dto.calendarId ?? null,
        ],
      );
      return agentView(row);
    } catch (e) {
      if (isUnique(e))
        throw supportError('AGENT_SUBJECT_TAKEN', 'An agent with this login exists', {
          errors: [{ field: 'subject', message: 'belongs to another agent' }],
        });
      throw e;
    }
  }

  @Get('agents')
  @RequirePermission('support:read')
  @ApiOperation({ summary: 'Agents' })
  @ApiPage(AgentDto)
  listAgents(@Query() q: PageQueryDto) {
    return this.list('agents', q, agentView as (r: never) => ReturnType<typeof agentView>);
  }

  @Patch('agents/:id')
  @RequirePermission('support:write')
  @ApiOperation({ summary: "Change an agent's capacity or availability" })
  @ApiOkResponse({ type: AgentDto })
  async updateAgent(@Param() { id }: IdParams, @Body() dto: UpdateAgentDto) {
    const [row]: AgentRow[] = await queryReturning(
      this.dataSource,
      `UPDATE agents SET capacity = COALESCE($2, capacity), available = COALESCE($3, available), version = version + 1,
              updated_at = now() WHERE id = $1 RETURNING *`,
      [id, dto.capacity ?? null, dto.available ?? null],
    );
    if (!row) throw notFound('AGENT', id);
    return agentView(row);
  }
}
