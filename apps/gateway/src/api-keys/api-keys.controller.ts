import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { CurrentPrincipal, PageQueryDto, RequirePermission, type Principal } from '@crm/platform';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

class ApiKeyIdParams {
  @IsUUID()
  id!: string;
}

@ApiTags('admin')
@Controller('api/v1/admin/api-keys')
@RequirePermission('gateway:admin')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; the key is in this answer only' })
  create(@Body() dto: CreateApiKeyDto, @CurrentPrincipal() admin: Principal) {
    return this.apiKeys.create(dto, admin);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys, newest first (never the keys themselves)' })
  list(@Query() query: PageQueryDto) {
    return this.apiKeys.list(query.limit ?? 50, query.cursor);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key; calls with it get 401 from then on' })
  async revoke(@Param() params: ApiKeyIdParams, @CurrentPrincipal() admin: Principal): Promise<void> {
    await this.apiKeys.revoke(params.id, admin);
  }
}
