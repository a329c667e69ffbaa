import { ApiProperty } from '@nestjs/swagger';

export class TeamSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 254, description: 'Inbound address' })
  emailAddress!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) calendarId!: string | null;
  @ApiProperty() autoAssign!: boolean;
  @ApiProperty({ type: 'integer', minimum: 1 }) version!: number;
}

export class TeamDto extends TeamSummaryDto {
  @ApiProperty({ type: [String], items: { type: 'string', format: 'uuid' }, description: 'The agents, by id' })
  members!: string[];
}

export class AgentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ maxLength: 200, description: "The agent's login (token subject)" }) subject!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 254 }) email!: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 1000, description: 'Open tickets at most' }) capacity!: number;
  @ApiProperty() available!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'uuid', description: 'Working hours; null: always' })
  calendarId!: string | null;
  @ApiProperty({ type: 'integer', minimum: 1 }) version!: number;
}
