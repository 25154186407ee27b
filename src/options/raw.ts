// Merges command-line flags with REGISTRY_CLEANER_<FLAG> variables: a flag wins over its variable.
// Each value remembers where it came from, so errors can name the exact input to fix.

import { UsageError } from '../errors.ts';
import { type CommandName, camelName, envName, FLAGS, type Flag, RESULT_VARIABLE_PREFIX } from './flags.ts';

export type Env = Readonly<Record<string, string | undefined>>;

export interface Setting<T> {
  value: T;
  /** '--older-than' or 'REGISTRY_CLEANER_OLDER_THAN' */
  source: string;
}

export class RawOptions {
  private readonly settings = new Map<string, Setting<unknown>>();

  set(name: string, setting: Setting<unknown>): void {
    this.settings.set(name, setting);
  }

  string(name: string): Setting<string> | undefined {
    return this.settings.get(name) as Setting<string> | undefined;
  }

  strings(name: string): Setting<string[]> | undefined {
    return this.settings.get(name) as Setting<string[]> | undefined;
  }

  number(name: string): Setting<number> | undefined {
    return this.settings.get(name) as Setting<number> | undefined;
  }

  flag(name: string): boolean {
    return this.settings.get(name)?.value === true;
  }

  has(name: string): boolean {
    return this.settings.has(name);
  }

  /** Where the value of `name` came from ('--keep' or 'REGISTRY_CLEANER_KEEP'), if it was given. */
  source(name: string): string | undefined {
    return this.settings.get(name)?.source;
  }
}

/**
 * @param parsed yargs' result (camelCase keys; only flags given on the command line are present)
 */
export function collectRawOptions(
  command: CommandName,
  parsed: Record<string, unknown>,
  env: Env,
): RawOptions {
  rejectUnknownVariables(env);
  const raw = new RawOptions();
  for (const flag of FLAGS) {
    if (!flag.commands.includes(command)) continue;
    const fromArgv = parsed[camelName(flag)];
    if (fromArgv !== undefined) {
      raw.set(flag.name, { value: normaliseArgv(flag, fromArgv), source: `--${flag.name}` });
      continue;
    }
    const variable = envName(flag);
    const fromEnv = env[variable];
    // A variable set to blanks is unset, as in most CI settings pages.
    if (fromEnv !== undefined && fromEnv.trim() !== '')
      raw.set(flag.name, { value: fromEnvValue(flag, fromEnv, variable), source: variable });
  }
  return raw;
}

function normaliseArgv(flag: Flag, value: unknown): unknown {
  if (flag.type === 'strings') return (Array.isArray(value) ? value : [value]).map(String);
  // yargs collects a repeated flag into a list; which one was meant is not ours to guess.
  if (Array.isArray(value)) {
    throw new UsageError(`--${flag.name} was given ${value.length} times: give it once`);
  }
  return value;
}

/** true/false, 1/0, yes/no, on/off (any case), as for REGISTRY_CLEANER_* variables; else undefined. */
export function parseBoolean(text: string): boolean | undefined {
  const lower = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(lower)) return true;
  if (['false', '0', 'no', 'off'].includes(lower)) return false;
  return undefined;
}

function fromEnvValue(flag: Flag, text: string, variable: string): unknown {
  switch (flag.type) {
    case 'boolean': {
      const value = parseBoolean(text);
      if (value === undefined)
        throw new UsageError(`${variable}=${text} is not a boolean: use true or false`);
      return value;
    }
    case 'number': {
      const number = Number(text.trim());
      if (!Number.isFinite(number)) throw new UsageError(`${variable}=${text} is not a number`);
      return number;
    }
    case 'strings': {
      const parts = flag.envSeparator === 'newline' ? text.split(/\r?\n/) : text.split(/[\s,]+/);
      return parts.map((part) => part.trim()).filter((part) => part !== '');
    }
    default:
      return text.trim();
  }
}

/** A misspelt variable would otherwise be ignored silently, and the run would do something else. */
function rejectUnknownVariables(env: Env): void {
  const known = new Set(FLAGS.map(envName));
  for (const name of Object.keys(env)) {
    if (!name.startsWith('REGISTRY_CLEANER_') || known.has(name) || name.startsWith(RESULT_VARIABLE_PREFIX))
      continue;
    const suggestion = closest(name, [...known]);
    throw new UsageError(
      `unknown variable ${name}${suggestion ? `: did you mean ${suggestion}?` : ''} (see registry-cleaner --help for the flags; each has a REGISTRY_CLEANER_<FLAG> variable)`,
    );
  }
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
