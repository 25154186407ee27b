// Every flag, once: yargs is built from this table, and so is the REGISTRY_CLEANER_<FLAG>
// environment mapping. No defaults live in yargs; options/ applies them, so that an explicit flag,
// an environment variable and a default can be told apart.
import { REGISTRY_FLAGS } from './registry-flags.ts';

import { RETENTION_FLAGS } from './retention-flags.ts';

export type FlagType = 'string' | 'boolean' | 'number' | 'strings';
export type CommandName = 'delete-tag' | 'prune';

/** Where --help lists a flag. */
export type FlagGroup = 'What to delete' | 'Where' | 'Retention rules' | 'Connection' | 'Run and output';

export interface Flag {
  name: string;
  type: FlagType;
  description: string;
  commands: readonly CommandName[];
  group: FlagGroup;
  /** shown in --help; the real default is applied in options/ */
  default?: string;
  choices?: readonly string[];
  alias?: string;
  /**
   * Where a command differs: help text, group, or `once`, a list flag that this command takes a
   * single time (help shows no [array]; options/ refuses a second value with a message that says why).
   */
  byCommand?: Partial<
    Record<CommandName, { description?: string; default?: string; group?: FlagGroup; once?: boolean }>
  >;
  /** How a list flag's variable is split: names and paths hold no commas or spaces; regexes, one per line. */
  envSeparator?: 'comma-or-space' | 'newline';
}

const BOTH: readonly CommandName[] = ['delete-tag', 'prune'];

export const FLAGS: readonly Flag[] = [
  // what to delete (delete-tag)
  {
    name: 'tag',
    group: 'What to delete',
    type: 'strings',
    commands: ['delete-tag'],
    envSeparator: 'comma-or-space',
    description: 'tag to delete (repeatable)',
    default: '$CI_COMMIT_REF_SLUG',
  },
  {
    name: 'repository',
    group: 'What to delete',
    type: 'strings',
    commands: BOTH,
    envSeparator: 'comma-or-space',
    description: "repository glob relative to the project path, '.' = the root repository (repeatable)",
    byCommand: {
      'delete-tag': { default: "'.'" },
      prune: { default: 'all repositories', group: 'Where' },
    },
  },
  {
    name: 'all-repositories',
    group: 'What to delete',
    type: 'boolean',
    commands: ['delete-tag'],
    description: 'look for the tags in every repository of the project',
  },
  // where
  {
    name: 'project',
    group: 'What to delete',
    type: 'strings',
    commands: BOTH,
    envSeparator: 'comma-or-space',
    description: 'project id or full path',
    byCommand: {
      'delete-tag': { once: true },
      prune: { description: 'project id or full path (repeatable)', group: 'Where' },
    },
    default: '$CI_PROJECT_ID',
  },
  {
    name: 'group',
    group: 'Where',
    type: 'strings',
    commands: ['prune'],
    envSeparator: 'comma-or-space',
    description: 'group id or full path: all its projects, subgroups included (repeatable)',
  },
  // retention rules (prune)
  ...RETENTION_FLAGS,
  {
    name: 'config',
    group: 'Where',
    type: 'string',
    commands: ['prune'],
    description: 'YAML or JSON file with a list of policies (scope and rules)',
  },
  {
    name: 'shard',
    group: 'Where',
    type: 'string',
    commands: ['prune'],
    description: 'process only shard i of n of the repositories (i/n)',
    default: '$CI_NODE_INDEX/$CI_NODE_TOTAL',
  },
  // connection
  {
    name: 'gitlab-url',
    group: 'Connection',
    type: 'string',
    commands: BOTH,
    description: 'GitLab root URL (https://host[/sub-path]) or its API URL (…/api/v4)',
    default: '$CI_API_V4_URL, else $CI_SERVER_URL',
  },
  {
    name: 'token',
    group: 'Connection',
    type: 'string',
    commands: BOTH,
    description: 'access token; prefer the REGISTRY_CLEANER_TOKEN variable (command lines are visible)',
    default: '$REGISTRY_CLEANER_TOKEN, $GITLAB_TOKEN, else $CI_JOB_TOKEN',
  },
  {
    name: 'timeout',
    group: 'Connection',
    type: 'string',
    commands: BOTH,
    description: 'per-request timeout (30s, 2m)',
    default: '30s',
  },
  {
    name: 'retries',
    group: 'Connection',
    type: 'number',
    commands: BOTH,
    description:
      'retries of a request after a network error, an unreadable page or 5xx (429s have their own budget)',
    default: '4',
  },
  {
    name: 'max-wait',
    group: 'Connection',
    type: 'string',
    commands: BOTH,
    description: 'longest wait for a rate limit (429, Retry-After) before the run stops (30s, 5m, 1h)',
    default: '5m',
  },
  {
    name: 'concurrency',
    group: 'Connection',
    type: 'number',
    commands: BOTH,
    description: 'requests in flight at once',
    default: '8',
  },
  {
    name: 'ca-file',
    group: 'Connection',
    type: 'string',
    commands: BOTH,
    description: 'PEM file of CA certificates to trust for GitLab (added to the system ones)',
    default: '$CI_SERVER_TLS_CA_FILE',
  },
  ...REGISTRY_FLAGS,
  // behaviour and output
  {
    name: 'dry-run',
    group: 'Run and output',
    type: 'boolean',
    commands: BOTH,
    description: 'show the plan, delete nothing',
  },
  {
    name: 'output',
    group: 'Run and output',
    type: 'string',
    commands: BOTH,
    choices: ['text', 'json'],
    description: 'text for people, or one JSON report on stdout',
    default: 'text',
  },
  {
    name: 'report',
    group: 'Run and output',
    type: 'string',
    commands: BOTH,
    description: 'also write the JSON report to this file',
  },
  {
    name: 'dotenv',
    group: 'Run and output',
    type: 'string',
    commands: BOTH,
    description: 'write counts as REGISTRY_CLEANER_RESULT_* to this file (artifacts:reports:dotenv)',
  },
  {
    name: 'annotations',
    group: 'Run and output',
    type: 'string',
    commands: BOTH,
    description: 'write links to the registry pages to this file (artifacts:reports:annotations)',
  },
  {
    name: 'junit',
    group: 'Run and output',
    type: 'string',
    commands: BOTH,
    description: 'write outcomes as JUnit XML to this file (artifacts:reports:junit)',
  },
  {
    name: 'verbose',
    group: 'Run and output',
    type: 'boolean',
    alias: 'v',
    commands: BOTH,
    description: 'trace every request (never the token)',
  },
  {
    name: 'color',
    group: 'Run and output',
    type: 'boolean',
    commands: BOTH,
    description:
      'colour on (--color) or off (--no-color); by default on in terminals and CI job logs, off with NO_COLOR',
  },
  {
    name: 'quiet',
    group: 'Run and output',
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
