import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PageQueryDto, RequirePermission, ApiPage } from '@crm/platform';
import { AuditLogService } from './audit-log.service';
import { AuditEntryDto } from './dto/audit-entry.dto';

class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 200,
    description: 'Only this caller, e.g. a user id or api-key:<id>',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  subject?: string;

  @ApiPropertyOptional({ maxLength: 35, description: 'Only writes at or after this time (ISO 8601)' })
  @IsOptional()
  @MaxLength(35)
  @IsISO8601({ strict: true })
  since?: string;
}

@ApiTags('admin')
@Controller('api/v1/admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditLogService) {}

  @Get()
  @RequirePermission('gateway:admin')
  @ApiOperation({ summary: 'Writes made through the gateway, newest first: who, what, when, outcome' })
  @ApiPage(AuditEntryDto)
  list(@Query() query: AuditQueryDto) {
    return this.audit.list({
      subject: query.subject,
      since: query.since ? new Date(query.since) : undefined,
      limit: query.limit ?? 50,
      cursor: query.cursor,
    });
  }
}
