import { IsString, Matches } from 'class-validator';
import { loadConfig } from '@crm/platform';

export const ERASURE_SETTINGS = Symbol('contacts:erasure-settings');
export const SELF = 'contacts';

/** ERASURE_PARTICIPANTS: the services besides contacts that must confirm an erasure. */
export class ErasureSettingsInput {
  @IsString()
  @Matches(/^(none|[a-z][a-z0-9-]{0,30}(,[a-z][a-z0-9-]{0,30})*)$/, {
    message:
      'ERASURE_PARTICIPANTS must be service names separated by commas (lower-case letters, digits, dashes), or "none"',
  })
  ERASURE_PARTICIPANTS = 'analytics';
}

export interface ErasureSettings {
  /** contacts first, then each configured service once. */
  participants: string[];
  /** The other services, whose receipts are consumed from their streams. */
  others: string[];
}

/** Read at start; a bad value stops the service with a message naming the variable. */
export function loadErasureSettings(env: NodeJS.ProcessEnv = process.env): ErasureSettings {
  const raw = loadConfig(ErasureSettingsInput, env).ERASURE_PARTICIPANTS;
  const others = raw === 'none' ? [] : [...new Set(raw.split(',').filter((s) => s !== SELF))];
  return { participants: [SELF, ...others], others };
}
