import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export interface ConfigProblem {
  variable: string;
  message: string;
}

/** The environment is unusable; the message names every bad or missing variable. */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** One problem per variable: "is required" when it is unset, else what is wrong with its value. */
function problemsOf(errors: ValidationError[]): ConfigProblem[] {
  return errors.map((e) => {
    if (e.value === undefined) return { variable: e.property, message: 'is required' };
    const messages = Object.values(e.constraints ?? {}).map((m) =>
      m.startsWith(`${e.property} `) ? m.slice(e.property.length + 1) : m,
    );
    return { variable: e.property, message: messages.join('; ') };
  });
}

/**
 * Reads the environment into a validated, typed object. Property names are
 * the variable names; empty values count as unset. A class may add a
 * `crossCheck()` for rules spanning several variables.
 */
export function loadConfig<T extends object>(cls: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') raw[k] = v;
  const config = plainToInstance(cls, raw, { enableImplicitConversion: true, exposeDefaultValues: true });
  const problems = problemsOf(validateSync(config, { whitelist: false, forbidUnknownValues: false }));
  const cross = (config as { crossCheck?: () => ConfigProblem[] }).crossCheck?.() ?? [];
  for (const p of cross) if (!problems.some((q) => q.variable === p.variable)) problems.push(p);
  if (problems.length) throw new ConfigError(problems);
  return config;
}
