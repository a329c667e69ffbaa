import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Length, Matches } from 'class-validator';

/** area:action, area:* or * */
const PERMISSION_SHAPE = /^(\*|[a-z][a-z0-9-]{0,40}:(\*|[a-z][a-z0-9-]{0,40}))$/;

export class CreateApiKeyDto {
  @ApiProperty({ example: 'nightly export', description: 'What the key is for' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ example: ['contacts:read'], description: 'Permissions the key grants; you can grant only permissions you hold' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(PERMISSION_SHAPE, { each: true, message: 'each scope must look like area:action, area:* or *' })
  scopes!: string[];
}
