import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DomainError, validationFailed } from '@crm/platform';
import { checkCustomFields } from './check-custom-fields';
import { CustomFieldDefinition } from './custom-field-definition.entity';
import type { CreateCustomFieldDto } from './dto/custom-field.dto';

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
    if (dto.pattern) {
      try {
        new RegExp(dto.pattern);
      } catch {
        throw validationFailed([{ field: 'pattern', message: 'is not a valid regular expression' }]);
      }
    }
    const repo = this.dataSource.getRepository(CustomFieldDefinition);
    if (await repo.findOneBy({ key: dto.key })) {
      throw new DomainError('CUSTOM_FIELD_EXISTS', `A custom field ${dto.key} already exists`, 'conflict');
    }
    this.cached = undefined;
    return repo.save(
      repo.create({
        key: dto.key,
        label: dto.label,
        type: dto.type,
        required: dto.required ?? false,
        options: dto.options ?? null,
        pattern: dto.pattern ?? null,
        maxLength: dto.maxLength ?? null,
      }),
    );
  }

  /** Throws a 400 naming each bad `customFields.<key>`. */
  async check(manager: EntityManager, values: Record<string, unknown>, partial: boolean): Promise<void> {
    if (!this.cached || Date.now() - this.cached.at > DEFINITIONS_TTL_MS) {
      this.cached = { at: Date.now(), definitions: await manager.getRepository(CustomFieldDefinition).find() };
    }
    const definitions = this.cached.definitions;
    const problems = checkCustomFields(values, definitions, partial);
    if (problems.length) throw validationFailed(problems);
  }
}
