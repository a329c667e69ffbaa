import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiIfMatch, ApiPage, ApiProblem, RequirePermission } from '@crm/platform';
import { parseIfMatch, withEtag } from '../shared/http';
import { CreateProductDto, ProductIdParams, ProductListQuery, UpdateProductDto } from './dto/product.dto';
import { ProductViewDto } from './dto/product-view.dto';
import { ProductsService } from './products.service';

@ApiTags('products')
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Post()
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: 'Create a product; emits crm.sales.product.created' })
  @ApiCreatedResponse({ type: ProductViewDto, description: 'The product, version 1' })
  @ApiProblem(409, 'PRODUCT_SKU_TAKEN: another product has this SKU')
  async create(@Body() dto: CreateProductDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.products.create(dto));
  }

  @Get()
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'Products, newest first, keyset paged; q matches SKU or name' })
  @ApiPage(ProductViewDto)
  list(@Query() query: ProductListQuery) {
    return this.products.list(query);
  }

  @Get(':id')
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'One product' })
  @ApiOkResponse({ type: ProductViewDto, description: 'The product; its version is the ETag' })
  async get(@Param() { id }: ProductIdParams, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.products.get(id));
  }

  @Patch(':id')
  @HttpCode(200)
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: 'Change a product, e.g. deactivate it (version + 1); emits crm.sales.product.updated' })
  @ApiIfMatch()
  @ApiOkResponse({ type: ProductViewDto })
  @ApiProblem(409, 'PRODUCT_SKU_TAKEN: another product has this SKU')
  async update(
    @Param() { id }: ProductIdParams,
    @Body() dto: UpdateProductDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.products.update(id, dto, parseIfMatch(ifMatch)));
  }
}
