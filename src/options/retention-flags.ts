// The retention rules' flags (prune): a part of options/flags.ts' table.

import { DEPLOYMENT_FLAGS } from './deployment-flags.ts';
import type { Flag } from './flags.ts';

export const RETENTION_FLAGS: readonly Flag[] = [
  {
    name: 'match',
    group: 'Retention rules',
    type: 'string',
    commands: ['prune'],
    description: 'RE2 regex of tags eligible for deletion, matched against the whole name',
    default: 'all tags',
  },
  {
    name: 'keep',
    group: 'Retention rules',
    type: 'strings',
    commands: ['prune'],
    envSeparator: 'newline',
    description:
      "RE2 regex of tags never deleted, matched against the whole name (repeatable); 'latest' is always kept",
  },
  {
    name: 'keep-latest',
    group: 'Retention rules',
    type: 'number',
    commands: ['prune'],
    description: 'keep the N most recently pushed eligible tags of each repository',
  },
  {
    name: 'older-than',
    group: 'Retention rules',
    type: 'string',
    commands: ['prune'],
    description: 'delete only tags last pushed before now minus this (90m, 36h, 14d, 2w, P14D)',
  },
  {
    name: 'stale-branches',
    group: 'Retention rules',
    type: 'boolean',
    commands: ['prune'],
    description: 'delete only tags that are not the slug of an existing branch or open merge request',
  },
  {
    name: 'accept-ages',
    group: 'Retention rules',
    type: 'strings',
    commands: ['prune'],
    envSeparator: 'comma-or-space',
    description:
      "let age rules act on tag times that are not last pushes: first-push (created_at on GitLab's registry), build-time (legacy registries) (repeatable)",
    default: 'last pushes only',
  },
  ...DEPLOYMENT_FLAGS,
  {
    name: 'cleanup-policy',
    group: 'Retention rules',
    type: 'boolean',
    commands: ['prune'],
    description:
      "apply each project's own GitLab cleanup policy (keep_n, older_than, name_regex, name_regex_keep) to all its tags; a project whose policy is disabled or absent is left alone",
  },
];
