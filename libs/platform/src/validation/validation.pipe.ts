import {
  Injectable,
  ValidationPipe,
  type ArgumentMetadata,
  type PipeTransform,
  type ValidationError,
} from '@nestjs/common';
import { isUUID } from 'class-validator';
import { validationFailed, type FieldProblem } from '../errors/domain-error';
import { findUnstorableInput } from './input-guard';

/** Flattens nested class-validator errors into dotted field paths (`emails.0.address`). */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const e of errors) {
    const field = parent ? `${parent}.${e.property}` : e.property;
    for (const message of Object.values(e.constraints ?? {})) {
      out.push({ field, message: /^property \S+ should not exist$/.test(message) ? 'is not a known field' : message });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

const PRIMITIVES: unknown[] = [String, Boolean, Number, Array, Object, Buffer, Date];

/**
 * The platform's validation: bodies, params and queries are checked against
 * their DTO classes; unknown fields are refused, not silently dropped; each
 * problem names its field. A body that is not a JSON object is refused too,
 * and so is input nothing could store (NUL, lone surrogates, deep nesting).
 */
export class PlatformValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      stopAtFirstError: false,
      exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.metatype && !PRIMITIVES.includes(metadata.metatype);
    if (dto && (metadata.type === 'body' || metadata.type === 'query') && !metadata.data) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw validationFailed([{ field: metadata.type, message: `the ${metadata.type} must be a JSON object` }]);
      }
    }
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const unstorable = findUnstorableInput(value, metadata.data ?? metadata.type);
      if (unstorable) throw validationFailed([unstorable]);
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): PlatformValidationPipe {
  return new PlatformValidationPipe();
}

/** `@Param('id', ParseUuidPipe) id: string`: a 400 naming the parameter unless it is a UUID. */
@Injectable()
export class ParseUuidPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (typeof value === 'string' && isUUID(value)) return value;
    throw validationFailed([{ field: metadata.data ?? metadata.type, message: 'must be a UUID' }]);
  }
}
