import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { validationFailed } from '@crm/platform';
import { checkCustomFields } from './check-custom-fields';
import { CustomFieldDefinition } from './custom-field-definition.entity';
import type { CreateCustomFieldDto } from './dto/custom-field.dto';
import { patternProblem } from './safe-pattern';
import { contactsError } from '../shared/contacts-errors';

/** Definitions change rarely; replicas see a new one within this many milliseconds. */
const DEFINITIONS_TTL_MS = 5000;

@Injectable()
export class CustomFieldsService {
  private cached?: { at: number; definitions: CustomFieldDefinition[] };

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  list(): Promise<CustomFieldDefinition[]> {
    return this.dataSource.getRepository(CustomFieldDefinition).find({ order: { key: 'ASC' } });
  }

  async define(dto: CreateCustomFieldDto): Promise<CustomFieldDefinition> {
    if (dto.type === 'enum' && !dto.options?.length) {
      throw validationFailed([{ field: 'options', message: 'an enum field needs its options' }]);
    }
    if (dto.type !== 'enum' && dto.options)
      throw validationFailed([{ field: 'options', message: 'only an enum field has options' }]);
    if (dto.type !== 'string' && (dto.pattern !== undefined || dto.maxLength !== undefined)) {
      throw validationFailed([
        {
          field: dto.pattern !== undefined ? 'pattern' : 'maxLength',
          message: 'only a string field has a pattern or maxLength',
        },
      ]);
    }
    const badPattern = dto.pattern ? patternProblem(dto.pattern) : undefined;
    if (badPattern) throw validationFailed([{ field: 'pattern', message: badPattern }]);
    const repo = this.dataSource.getRepository(CustomFieldDefinition);
    const definition = repo.create({
      key: dto.key,
      label: dto.label,
      type: dto.type,
      required: dto.required ?? false,
      options: dto.options ?? null,
      pattern: dto.pattern ?? null,
      maxLength: dto.maxLength ?? null,
    });
    const inserted: unknown[] = await this.dataSource.query(
      `INSERT INTO custom_field_definitions (key, label, type, required, options, pattern, max_length) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (key) DO NOTHING RETURNING key`,
      [
        definition.key,
        definition.label,
        definition.type,
        definition.required,
        definition.options,
        definition.pattern,
        definition.maxLength,
      ],
    );
    if (!inserted.length)
      throw contactsError('CUSTOM_FIELD_EXISTS', `A custom field ${dto.key} already exists`, {
        key: dto.key,
      });
    this.cached = undefined;
    return repo.findOneByOrFail({ key: dto.key });
  }

  async definitions(manager: EntityManager = this.dataSource.manager): Promise<CustomFieldDefinition[]> {
    if (!this.cached || Date.now() - this.cached.at > DEFINITIONS_TTL_MS) {
      this.cached = { at: Date.now(), definitions: await manager.getRepository(CustomFieldDefinition).find() };
    }
    return this.cached.definitions;
  }

  /** Throws a 400 naming each bad `customFields.<key>`. */
  async check(manager: EntityManager, values: Record<string, unknown>, partial: boolean): Promise<void> {
    const problems = checkCustomFields(values, await this.definitions(manager), partial);
    if (problems.length) throw validationFailed(problems);
  }
}
