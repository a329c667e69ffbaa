import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsFQDN,
  IsIn,
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
} from 'class-validator';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, ValidateNested } from 'class-validator';
import { PageQueryDto } from '@crm/platform';
import { ExternalIdDto } from '../../external-ids/external-ids';
import { IsNotBlank } from '../../shared/validators';
import { SIZE_BANDS } from '../account.entity';

export class CreateAccountDto {
  @ApiProperty({ minLength: 1, maxLength: 200, description: 'Trimmed; blank is refused' })
  @IsString()
  @Length(1, 200)
  @IsNotBlank()
  name!: string;

  @ApiPropertyOptional({ example: 'acme.example', maxLength: 253 })
  @IsOptional()
  @IsFQDN({}, { message: 'must be a domain name' })
  @MaxLength(253)
  domain?: string;
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) industry?: string;
  @ApiPropertyOptional({ enum: SIZE_BANDS, description: 'Employees' })
  @IsOptional()
  @IsIn(SIZE_BANDS)
  sizeBand?: string;
  @ApiPropertyOptional({ example: 'FR', minLength: 2, maxLength: 2 })
  @IsOptional()
  @IsISO31661Alpha2({ message: 'must be an ISO 3166-1 alpha-2 country code' })
  country?: string;
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) city?: string;

  @ApiPropertyOptional({
    type: () => [ExternalIdDto],
    maxItems: 20,
    description: 'Ids in other systems, unique per source; a PATCH replaces them all',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ExternalIdDto)
  externalIds?: ExternalIdDto[];
}

/** Every field but name may be cleared with null. */
export class UpdateAccountDto extends PartialType(CreateAccountDto) {}

export class LinkContactDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) contactId!: string;
  @ApiPropertyOptional({ maxLength: 100, example: 'decision maker' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  role?: string;
  @ApiPropertyOptional({ maxLength: 100, example: 'Head of Purchasing' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  title?: string;
  @ApiPropertyOptional({ description: "Makes this the person's primary account" })
  @IsOptional()
  @IsBoolean()
  primary?: boolean;
}

export class AccountListQuery extends PageQueryDto {
  @ApiPropertyOptional({ maxLength: 200, description: 'Name contains, or is similar to; or an external id' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class AccountIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) id!: string;
}

export class AccountContactParams extends AccountIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID(undefined, { message: 'must be a UUID' }) contactId!: string;
}
