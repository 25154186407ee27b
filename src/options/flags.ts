// Every flag, once: yargs is built from this table, and so is the REGISTRY_CLEANER_<FLAG>
// environment mapping. No defaults live in yargs; options/ applies them, so that an explicit flag,
// an environment variable and a default can be told apart.

export type FlagType = 'string' | 'boolean' | 'number' | 'strings';
export type CommandName = 'delete-tag' | 'prune';

export interface Flag {
  name: string;
  type: FlagType;
  description: string;
  commands: readonly CommandName[];
  /** shown in --help; the real default is applied in options/ */
  default?: string;
  choices?: readonly string[];
  alias?: string;
  /** where a command needs different help text */
  byCommand?: Partial<Record<CommandName, { description?: string; default?: string }>>;
  /**
   * How a list flag's environment variable is split: tag names and paths never contain commas
   * or spaces, but regular expressions can, so those take one per line.
   */
  envSeparator?: 'comma-or-space' | 'newline';
}

const BOTH: readonly CommandName[] = ['delete-tag', 'prune'];

export const FLAGS: readonly Flag[] = [
  // what to delete (delete-tag)
  {
    name: 'tag',
    type: 'strings',
    commands: ['delete-tag'],
    envSeparator: 'comma-or-space',
    description: 'tag to delete (repeatable)',
    default: '$CI_COMMIT_REF_SLUG',
  },
  {
    name: 'repository',
    type: 'strings',
    commands: BOTH,
    envSeparator: 'comma-or-space',
    description: "repository glob relative to the project path, '.' = the root repository (repeatable)",
    byCommand: { 'delete-tag': { default: "'.'" }, prune: { default: 'all repositories' } },
  },
  {
    name: 'all-repositories',
    type: 'boolean',
    commands: ['delete-tag'],
    description: 'look for the tags in every repository of the project',
  },
  // where
  {
    name: 'project',
    type: 'strings',
    commands: BOTH,
    envSeparator: 'comma-or-space',
    description: 'project id or full path',
    byCommand: { prune: { description: 'project id or full path (repeatable)' } },
    default: '$CI_PROJECT_ID',
  },
  {
    name: 'group',
    type: 'strings',
    commands: ['prune'],
    envSeparator: 'comma-or-space',
    description: 'group id or full path: all its projects, subgroups included (repeatable)',
  },
  // retention rules (prune)
  {
    name: 'match',
    type: 'string',
    commands: ['prune'],
    description: 'regex of tags eligible for deletion, full match',
    default: 'all tags',
  },
  {
    name: 'keep',
    type: 'strings',
    commands: ['prune'],
    envSeparator: 'newline',
    description: "regex of tags never deleted, full match (repeatable); 'latest' is always kept",
  },
  {
    name: 'keep-latest',
    type: 'number',
    commands: ['prune'],
    description: 'keep the N most recently pushed eligible tags of each repository',
  },
  {
    name: 'older-than',
    type: 'string',
    commands: ['prune'],
    description: 'delete only tags last pushed before now minus this (90m, 36h, 14d, 2w, P14D)',
  },
  {
    name: 'stale-branches',
    type: 'boolean',
    commands: ['prune'],
    description: 'delete only tags that are not the slug of an existing branch or open merge request',
  },
  {
    name: 'config',
    type: 'string',
    commands: ['prune'],
    description: 'YAML or JSON file with a list of policies (scope and rules)',
  },
  {
    name: 'shard',
    type: 'string',
    commands: ['prune'],
    description: 'process only shard i of n of the repositories (i/n)',
    default: '$CI_NODE_INDEX/$CI_NODE_TOTAL',
  },
  // connection
  {
    name: 'gitlab-url',
    type: 'string',
    commands: BOTH,
    description: 'GitLab root URL (https://host[/sub-path]) or its API URL (…/api/v4)',
    default: '$CI_API_V4_URL, else $CI_SERVER_URL',
  },
  {
    name: 'token',
    type: 'string',
    commands: BOTH,
    description: 'access token; prefer the REGISTRY_CLEANER_TOKEN variable (command lines are visible)',
    default: '$REGISTRY_CLEANER_TOKEN, $GITLAB_TOKEN, else $CI_JOB_TOKEN',
  },
  {
    name: 'timeout',
    type: 'string',
    commands: BOTH,
    description: 'per-request timeout (30s, 2m)',
    default: '30s',
  },
  {
    name: 'retries',
    type: 'number',
    commands: BOTH,
    description:
      'retries of a request after a network error, an unreadable page or 5xx (429s have their own budget)',
    default: '4',
  },
  {
    name: 'max-wait',
    type: 'string',
    commands: BOTH,
    description: 'longest wait for a rate limit (429, Retry-After) before the run stops (30s, 5m, 1h)',
    default: '5m',
  },
  {
    name: 'concurrency',
    type: 'number',
    commands: BOTH,
    description: 'requests in flight at once',
    default: '8',
  },
  {
    name: 'ca-file',
    type: 'string',
    commands: BOTH,
    description: 'PEM file of CA certificates to trust for GitLab (added to the system ones)',
    default: '$CI_SERVER_TLS_CA_FILE',
  },
  // behaviour and output
  { name: 'dry-run', type: 'boolean', commands: BOTH, description: 'show the plan, delete nothing' },
  {
    name: 'output',
    type: 'string',
    commands: BOTH,
    choices: ['text', 'json'],
    description: 'text for people, or one JSON report on stdout',
    default: 'text',
  },
  { name: 'report', type: 'string', commands: BOTH, description: 'also write the JSON report to this file' },
  {
    name: 'dotenv',
    type: 'string',
    commands: BOTH,
    description: 'write counts as REGISTRY_CLEANER_RESULT_* to this file (artifacts:reports:dotenv)',
  },
  {
    name: 'annotations',
    type: 'string',
    commands: BOTH,
    description: 'write links to the registry pages to this file (artifacts:reports:annotations)',
  },
  {
    name: 'junit',
    type: 'string',
    commands: BOTH,
    description: 'write outcomes as JUnit XML to this file (artifacts:reports:junit)',
  },
  {
    name: 'verbose',
    type: 'boolean',
    alias: 'v',
    commands: BOTH,
    description: 'trace every request (never the token)',
  },
  {
    name: 'quiet',
    type: 'boolean',
    alias: 'q',
    commands: BOTH,
    description: 'print only problems and the summary',
  },
];

/** Outputs (--dotenv) for downstream jobs: never read as flags, so never "unknown". */
export const RESULT_VARIABLE_PREFIX = 'REGISTRY_CLEANER_RESULT_';

/** REGISTRY_CLEANER_GITLAB_URL for 'gitlab-url'. */
export function envName(flag: Pick<Flag, 'name'>): string {
  return `REGISTRY_CLEANER_${flag.name.toUpperCase().replaceAll('-', '_')}`;
}

export function camelName(flag: Pick<Flag, 'name'>): string {
  return flag.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
