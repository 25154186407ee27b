// Merges command-line flags with REGISTRY_CLEANER_<FLAG> variables: a flag wins over its variable.
// Each value remembers where it came from, so errors can name the exact input to fix.

import { UsageError } from '../errors.ts';
import { type CommandName, camelName, envName, FLAGS, type Flag, RESULT_VARIABLE_PREFIX } from './flags.ts';

export type Env = Readonly<Record<string, string | undefined>>;

const PREFIX = 'REGISTRY_CLEANER_';

export interface Setting<T> {
  value: T;
  /** '--older-than' or 'REGISTRY_CLEANER_OLDER_THAN' */
  source: string;
}

export class RawOptions {
  private readonly settings = new Map<string, Setting<unknown>>();
  /** for stderr and the report, before anything else happens */
  readonly warnings: string[] = [];

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
  const raw = new RawOptions();
  raw.warnings.push(...checkUnknownVariables(env));
  for (const flag of FLAGS) {
    if (!flag.commands.includes(command)) continue;
    const fromArgv = parsed[camelName(flag)];
    if (fromArgv !== undefined) {
      raw.set(flag.name, { value: normaliseArgv(flag, fromArgv), source: `--${flag.name}` });
      continue;
    }
    const variable = envName(flag);
    const fromEnv = env[variable];
    // A variable set to blanks (or, for a list, to separators only) is unset, as in most CI
    // settings pages.
    if (fromEnv === undefined || fromEnv.trim() === '') continue;
    const value = fromEnvValue(flag, fromEnv, variable);
    if (Array.isArray(value) && value.length === 0) continue;
    raw.set(flag.name, { value, source: variable });
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
      // Decimal only: Number() would also take 0x10 and 1e1.
      if (!/^[+-]?\d+(\.\d+)?$/.test(text.trim()))
        throw new UsageError(`${variable}=${text} is not a number`);
      return Number(text.trim());
    }
    case 'strings': {
      const parts = flag.envSeparator === 'newline' ? text.split(/\r?\n/) : text.split(/[\s,]+/);
      return parts.map((part) => part.trim()).filter((part) => part !== '');
    }
    default:
      return text.trim();
  }
}

/**
 * A misspelt variable would otherwise be ignored silently, and the run would do something else: a
 * name close to a flag's variable (a likely typo) is an error. Any other REGISTRY_CLEANER_* name is
 * only a warning: a group-level variable such as REGISTRY_CLEANER_IMAGE, meant for something else,
 * must not fail every job.
 */
function checkUnknownVariables(env: Env): string[] {
  const known = FLAGS.map(envName);
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(PREFIX) || known.includes(name) || name.startsWith(RESULT_VARIABLE_PREFIX)) continue;
    // Blank, it would be unset even if it were a flag's: nothing was meant.
    if ((env[name] ?? '').trim() === '') continue;
    const typoOf = likelyTypo(name, known);
    if (typoOf) {
      throw new UsageError(
        `unknown variable ${name}: did you mean ${typoOf}? (see registry-cleaner --help for the flags; each has a REGISTRY_CLEANER_<FLAG> variable)`,
      );
    }
    warnings.push(`${name} is not a registry-cleaner variable (none is close to it): ignored`);
  }
  return warnings;
}

/**
 * The variable `name` is a likely typo of: the closest one, within an edit distance of a quarter of
 * its name after the prefix, and at least 1 (REGISTRY_CLEANER_TAGS for _TAG, _DRYRUN for _DRY_RUN).
 */
function likelyTypo(name: string, known: readonly string[]): string | undefined {
  const suffix = name.slice(PREFIX.length);
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(suffix, candidate.slice(PREFIX.length));
    const limit = Math.max(1, Math.floor((candidate.length - PREFIX.length) / 4));
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
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
