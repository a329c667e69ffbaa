import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiIfMatch, ApiPage, ApiProblem, PageQueryDto, RequirePermission } from '@crm/platform';
import { parseIfMatch, withEtag } from '../shared/http';
import {
  CreatePriceBookDto,
  PriceBookIdParams,
  PriceBookListQuery,
  PriceParams,
  SetPriceDto,
  UpdatePriceBookDto,
} from './dto/price-book.dto';
import { PriceBookViewDto, PriceViewDto } from './dto/price-book-view.dto';
import { PriceBooksService } from './price-books.service';

@ApiTags('price-books')
@Controller('price-books')
export class PriceBooksController {
  constructor(private readonly books: PriceBooksService) {}

  @Post()
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: 'Create a price book in one currency, with optional validity dates' })
  @ApiCreatedResponse({ type: PriceBookViewDto })
  @ApiProblem(409, 'PRICE_BOOK_NAME_TAKEN: another price book has this name')
  async create(@Body() dto: CreatePriceBookDto, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.books.create(dto));
  }

  @Get()
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'Price books, newest first, keyset paged' })
  @ApiPage(PriceBookViewDto)
  list(@Query() query: PriceBookListQuery) {
    return this.books.list(query);
  }

  @Get(':id')
  @RequirePermission('sales:read')
  @ApiOperation({ summary: 'One price book' })
  @ApiOkResponse({ type: PriceBookViewDto })
  async get(@Param() { id }: PriceBookIdParams, @Res({ passthrough: true }) reply: FastifyReply) {
    return withEtag(reply, await this.books.get(id));
  }

  @Patch(':id')
  @HttpCode(200)
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: 'Rename, change validity, or make it the default of its currency' })
  @ApiIfMatch()
  @ApiOkResponse({ type: PriceBookViewDto })
  @ApiProblem(422, 'PRICE_BOOK_DEFAULT_REQUIRED: the default cannot be unset, only replaced')
  async update(
    @Param() { id }: PriceBookIdParams,
    @Body() dto: UpdatePriceBookDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.books.update(id, dto, parseIfMatch(ifMatch)));
  }

  @Get(':id/prices')
  @RequirePermission('sales:read')
  @ApiOperation({ summary: "The book's unit prices by product, keyset paged" })
  @ApiPage(PriceViewDto)
  prices(@Param() { id }: PriceBookIdParams, @Query() page: PageQueryDto) {
    return this.books.prices(id, page);
  }

  @Put(':id/prices/:productId')
  @HttpCode(200)
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: "Set a product's unit price in this book" })
  @ApiOkResponse({ type: PriceViewDto })
  setPrice(@Param() { id, productId }: PriceParams, @Body() dto: SetPriceDto) {
    return this.books.setPrice(id, productId, dto.unitPriceMinor);
  }

  @Delete(':id/prices/:productId')
  @HttpCode(204)
  @RequirePermission('sales:admin')
  @ApiOperation({ summary: "Remove a product's price from this book" })
  @ApiNoContentResponse({ description: 'Removed' })
  async removePrice(@Param() { id, productId }: PriceParams): Promise<void> {
    await this.books.removePrice(id, productId);
  }
}
