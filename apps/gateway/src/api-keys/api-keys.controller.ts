import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags, ApiCreatedResponse, ApiNoContentResponse, ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { CurrentPrincipal, PageQueryDto, RequirePermission, type Principal, ApiPage } from '@crm/platform';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { ApiKeyViewDto, CreatedApiKeyDto } from './dto/api-key-view.dto';

class ApiKeyIdParams {
  @ApiProperty({ format: 'uuid' })
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
  @ApiCreatedResponse({ type: CreatedApiKeyDto, description: 'The key, with its secret this once' })
  create(@Body() dto: CreateApiKeyDto, @CurrentPrincipal() admin: Principal) {
    return this.apiKeys.create(dto, admin);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys, newest first (never the keys themselves)' })
  @ApiPage(ApiKeyViewDto)
  list(@Query() query: PageQueryDto) {
    return this.apiKeys.list(query.limit ?? 50, query.cursor);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key; calls with it get 401 from then on' })
  @ApiNoContentResponse({ description: 'Revoked' })
  async revoke(@Param() params: ApiKeyIdParams, @CurrentPrincipal() admin: Principal): Promise<void> {
    await this.apiKeys.revoke(params.id, admin);
  }
}
