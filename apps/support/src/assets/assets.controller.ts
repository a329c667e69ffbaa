import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, isUuid } from '@crm/persistence';
import { ApiPage, PageQueryDto, RequirePermission } from '@crm/platform';
import { badCursor, notFound } from '../shared/support-errors';
import { IsGivenOnce } from '../shared/validators';
import { toView, type TicketRow } from '../tickets/ticket-view';
import { toAssetView, type AssetRow } from './asset-view';
import { AssetDto, AssetWithTicketsDto, WarrantyDto } from './dto/asset-view.dto';

const UUID = { message: 'must be a UUID' };

class AssetListQuery extends PageQueryDto {
  @ApiProperty({ format: 'uuid', description: 'The customer whose assets to list' })
  @IsGivenOnce()
  @IsUUID(undefined, UUID)
  contactId!: string;
}

class IdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, UUID) id!: string;
}

class ProductParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, UUID) productId!: string;
}

class SetWarrantyDto {
  @ApiProperty({ minimum: 0, maximum: 600, description: 'Warranty length in months' })
  @IsInt({ message: 'must be whole months, 0 to 600' })
  @Min(0, { message: 'must be whole months, 0 to 600' })
  @Max(600, { message: 'must be whole months, 0 to 600' })
  months!: number;
}

@ApiTags('assets')
@Controller()
export class AssetsController {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  @Get('assets')
  @RequirePermission('support:read')
  @ApiOperation({ summary: "A customer's assets (products bought, from sales' orders), newest first" })
  @ApiPage(AssetDto)
  async list(@Query() q: AssetListQuery) {
    const limit = q.limit ?? 50;
    let after: string | null = null;
    if (q.cursor) {
      const [v] = decodeCursor(q.cursor, 1);
      if (!isUuid(v)) throw badCursor();
      after = v;
    }
    const rows: AssetRow[] = await this.dataSource.query(
      `SELECT * FROM assets WHERE contact_id = $1 AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [q.contactId, after, limit + 1],
    );
    const items = rows.slice(0, limit).map(toAssetView);
    return { items, nextCursor: rows.length > limit ? encodeCursor([items[items.length - 1].id]) : null };
  }

  @Get('assets/:id')
  @RequirePermission('support:read')
  @ApiOperation({ summary: 'One asset with every ticket about it, newest first' })
  @ApiOkResponse({ type: AssetWithTicketsDto })
  async get(@Param() { id }: IdParams) {
    const [row]: AssetRow[] = await this.dataSource.query(`SELECT * FROM assets WHERE id = $1`, [id]);
    if (!row) throw notFound('ASSET', id);
    const tickets: TicketRow[] = await this.dataSource.query(
      `SELECT * FROM tickets WHERE asset_id = $1 ORDER BY id DESC LIMIT 200`,
      [id],
    );
    return { ...toAssetView(row), tickets: tickets.map((t) => toView(t)) };
  }

  @Put('warranties/:productId')
  @RequirePermission('support:admin')
  @ApiOperation({ summary: 'Warranty length of a product, for the assets created from later orders' })
  @ApiOkResponse({ type: WarrantyDto })
  async setWarranty(@Param() { productId }: ProductParams, @Body() dto: SetWarrantyDto) {
    await this.dataSource.query(
      `INSERT INTO warranty_policies (product_id, months) VALUES ($1, $2)
       ON CONFLICT (product_id) DO UPDATE SET months = EXCLUDED.months, updated_at = now()`,
      [productId, dto.months],
    );
    return { productId, months: dto.months };
  }
}
