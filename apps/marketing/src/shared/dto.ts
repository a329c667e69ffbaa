import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { validationFailed } from '@crm/platform';

export class IdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a UUID' })
  id!: string;
}

export class ContactParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a UUID' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be a UUID' })
  contactId!: string;
}

/** If-Match: "3" (or 3, or W/"3") -> 3; absent -> undefined. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!m) throw validationFailed([{ field: 'If-Match', message: 'must be the version, e.g. "3"' }]);
  return Number(m[1]);
}
