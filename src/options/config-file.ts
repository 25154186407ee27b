// --config <file>: a list of prune policies in YAML or JSON, for scheduled sweeps of many
// projects. Also accepts the common legacy shape
//   {"<name>": {"id": <project id>, "delete_older_than": {"days"|"hours"|"minutes": N}}}.
// Every problem names the file, the policy and the field, and exits 2 before any request.

import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.ts';
import type { PolicyInput } from './policy.ts';

/**
 * GitLab's cleanup-policy fields, accepted in our files under their own names so that a policy can
 * be pasted as GitLab shows it (container_expiration_policy): each is the rule it maps to.
 */
const GITLAB_SPELLING: Record<string, string> = {
  name_regex: 'match',
  name_regex_keep: 'keep',
  keep_n: 'keep-latest',
  older_than: 'older-than',
};

/** The rest of a pasted container_expiration_policy: when GitLab runs its own cleanup, not rules. */
const GITLAB_SCHEDULE = new Set(['cadence', 'enabled', 'next_run_at']);

const FIELDS = new Set([
  'name',
  'project',
  'projects',
  'group',
  'groups',
  'repository',
  'repositories',
  'match',
  'keep',
  'keep-latest',
  'older-than',
  'stale-branches',
  'accept-ages',
  'cleanup-policy',
  ...Object.keys(GITLAB_SPELLING),
  'keep-deployments',
  'deployed-tag',
  'allow-deleting-deployed-images',
]);

export interface ConfigPolicy {
  input: PolicyInput;
  where: (field: string) => string;
}

export async function readConfigFile(path: string, source: string): Promise<ConfigPolicy[]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `${source} ${path} cannot be read (${(error as { code?: string }).code ?? error}): give the path of a YAML or JSON file`,
    );
  }
  const document = await parseDocument(text, path);
  return policiesOf(document, path);
}

async function parseDocument(text: string, path: string): Promise<unknown> {
  if (/\.json$/i.test(path) || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch (error) {
      if (/\.json$/i.test(path))
        throw new UsageError(`${path}: not valid JSON (${(error as Error).message})`);
    }
  }
  // Loaded only here: sweeps without a YAML file never pay for the parser.
  const { parse } = await import('yaml');
  try {
    return parse(text);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0];
    throw new UsageError(`${path}: not valid YAML or JSON (${message})`);
  }
}

function policiesOf(document: unknown, file: string): ConfigPolicy[] {
  if (Array.isArray(document)) return document.map((entry, i) => policyOf(entry, i, file));
  if (isObject(document) && 'policies' in document) {
    if (!Array.isArray(document.policies)) throw new UsageError(`${file}: policies must be a list`);
    return document.policies.map((entry, i) => policyOf(entry, i, file));
  }
  if (
    isObject(document) &&
    Object.keys(document).length > 0 &&
    Object.values(document).every(isLegacyPolicy)
  ) {
    return Object.entries(document).map(([name, entry], i) =>
      legacyPolicy(name, entry as LegacyPolicy, i, file),
    );
  }
  throw new UsageError(
    `${file}: expected a list of policies (or {policies: [...]}, or the legacy {"<name>": {"id": …, "delete_older_than": {…}}} shape)`,
  );
}

function policyOf(written: unknown, index: number, file: string): ConfigPolicy {
  const label =
    isObject(written) && typeof written.name === 'string'
      ? `policy "${written.name}"`
      : `policy #${index + 1}`;
  // Messages name a field as it was written: GitLab's spelling where the file used it.
  const spelling = new Map<string, string>();
  const where = (field: string) => `${file}: ${label}: ${spelling.get(field) ?? field}`;
  if (!isObject(written)) throw new UsageError(`${file}: ${label} must be a mapping of fields`);
  for (const key of Object.keys(written)) {
    if (GITLAB_SCHEDULE.has(key)) {
      throw new UsageError(
        `${where(key)} says when GitLab runs its own cleanup, not which tags go: registry-cleaner runs when its job runs (a pipeline schedule); remove it`,
      );
    }
    if (!FIELDS.has(key))
      throw new UsageError(`${where(key)} is not a policy field (fields: ${[...FIELDS].join(', ')})`);
  }
  const entry = { ...written };
  for (const [gitlabField, field] of Object.entries(GITLAB_SPELLING)) {
    if (entry[gitlabField] === undefined || entry[gitlabField] === null) continue;
    if (entry[field] !== undefined && entry[field] !== null) {
      throw new UsageError(
        `${where(gitlabField)} and ${field} are one rule, spelt GitLab's way and ours: give one of them`,
      );
    }
    entry[field] = entry[gitlabField];
    spelling.set(field, gitlabField);
  }
  const repositories = [...names(entry, 'repository', where), ...names(entry, 'repositories', where)];
  const input: PolicyInput = {
    name: typeof entry.name === 'string' ? entry.name : `policy #${index + 1}`,
    projects: [...refs(entry, 'project', where), ...refs(entry, 'projects', where)],
    groups: [...refs(entry, 'group', where), ...refs(entry, 'groups', where)],
    ...(repositories.length > 0 ? { repositories } : {}),
    keep: names(entry, 'keep', where),
    staleBranches: boolean(entry, 'stale-branches', where),
  };
  if (boolean(entry, 'cleanup-policy', where)) input.cleanupPolicy = true;
  const acceptAges = names(entry, 'accept-ages', where);
  if (acceptAges.length > 0) input.acceptAges = acceptAges;
  const deployedTags = names(entry, 'deployed-tag', where);
  if (deployedTags.length > 0) input.deployedTags = deployedTags;
  if (boolean(entry, 'allow-deleting-deployed-images', where)) input.allowDeletingDeployedImages = true;
  const keepDeployments = entry['keep-deployments'];
  if (keepDeployments !== undefined && keepDeployments !== null) {
    if (typeof keepDeployments !== 'number')
      throw new UsageError(`${where('keep-deployments')} must be a number, not ${describe(keepDeployments)}`);
    input.keepDeployments = keepDeployments;
  }
  const match = string(entry, 'match', where);
  if (match !== undefined) input.match = match;
  // null, as an empty YAML value, is unset, as for every other field.
  const keepLatest = entry['keep-latest'];
  if (keepLatest !== undefined && keepLatest !== null) {
    if (typeof keepLatest !== 'number')
      throw new UsageError(`${where('keep-latest')} must be a number, not ${describe(keepLatest)}`);
    input.keepLatest = keepLatest;
  }
  const olderThan = entry['older-than'];
  if (olderThan !== undefined && olderThan !== null) {
    if (typeof olderThan !== 'string')
      throw new UsageError(`${where('older-than')} must be a duration like 14d, not ${describe(olderThan)}`);
    input.olderThan = olderThan;
  }
  return { input, where };
}

interface LegacyPolicy {
  id: number | string;
  delete_older_than: Record<string, unknown>;
}

function isLegacyPolicy(value: unknown): boolean {
  return isObject(value) && 'id' in value && 'delete_older_than' in value;
}

function legacyPolicy(name: string, entry: LegacyPolicy, index: number, file: string): ConfigPolicy {
  const where = (field: string) => `${file}: policy "${name}": ${field}`;
  const age = entry.delete_older_than;
  if (!isObject(age))
    throw new UsageError(`${where('delete_older_than')} must be a mapping like {"days": 14}`);
  const units: Record<string, string> = { days: 'd', hours: 'h', minutes: 'm' };
  const parts: string[] = [];
  for (const [unit, amount] of Object.entries(age)) {
    const suffix = units[unit];
    if (!suffix)
      throw new UsageError(`${where(`delete_older_than.${unit}`)} is not a unit: use days, hours or minutes`);
    if (typeof amount !== 'number' || !(amount > 0)) {
      throw new UsageError(
        `${where(`delete_older_than.${unit}`)} must be a positive number, not ${describe(amount)}`,
      );
    }
    parts.push(`${amount}${suffix}`);
  }
  if (parts.length === 0)
    throw new UsageError(`${where('delete_older_than')} is empty: give days, hours or minutes`);
  if (typeof entry.id !== 'number' && typeof entry.id !== 'string') {
    throw new UsageError(`${where('id')} must be a project id`);
  }
  return {
    input: {
      name: name || `policy #${index + 1}`,
      projects: [String(entry.id)],
      groups: [],
      keep: [],
      olderThan: parts.join(''),
      staleBranches: false,
    },
    where: (field) =>
      where(field === 'older-than' ? 'delete_older_than' : field === 'project' ? 'id' : field),
  };
}

/** A scalar or a list, as a list; null is unset. */
function list(entry: Record<string, unknown>, key: string): unknown[] {
  const value = entry[key];
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Tag patterns and repository globs: strings only. YAML reads an unquoted 1.10 as the number 1.1,
 * so a number here is refused, never turned back into a string that is not what was written.
 */
function names(entry: Record<string, unknown>, key: string, where: (field: string) => string): string[] {
  return list(entry, key).map((item) => {
    if (typeof item !== 'string') throw new UsageError(notAString(where(key), item));
    return item;
  });
}

/** Projects and groups: paths (strings), or ids (whole numbers). */
function refs(entry: Record<string, unknown>, key: string, where: (field: string) => string): string[] {
  return list(entry, key).map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' && Number.isSafeInteger(item) && item >= 0) return String(item);
    throw new UsageError(
      `${where(key)} must hold strings or ids, not ${describe(item)}${typeof item === 'number' ? ': an id is a whole number; put a path in quotes' : ''}`,
    );
  });
}

function string(
  entry: Record<string, unknown>,
  key: string,
  where: (field: string) => string,
): string | undefined {
  const value = entry[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new UsageError(notAString(where(key), value));
  return value;
}

function notAString(where: string, value: unknown): string {
  const quote =
    typeof value === 'number' || typeof value === 'boolean'
      ? ': put it in quotes (YAML reads unquoted numbers, true and false as such)'
      : '';
  return `${where} must be a string, not ${describe(value)}${quote}`;
}

function boolean(entry: Record<string, unknown>, key: string, where: (field: string) => string): boolean {
  const value = entry[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean')
    throw new UsageError(`${where(key)} must be true or false, not ${describe(value)}`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;
}
