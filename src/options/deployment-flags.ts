// The flags of the protection of deployed images (a part of options/flags.ts' table).

import type { Flag } from './flags.ts';

export const DEPLOYMENT_FLAGS: readonly Flag[] = [
  {
    name: 'keep-deployments',
    group: 'Retention rules',
    type: 'number',
    commands: ['prune'],
    description:
      "keep the images of each environment's last N successful deployments (more than 1: for rollbacks)",
    default: '1',
  },
  {
    name: 'deployed-tag',
    group: 'Retention rules',
    type: 'strings',
    commands: ['delete-tag', 'prune'],
    envSeparator: 'comma-or-space',
    description:
      'how deploy jobs tag their images, as in .gitlab-ci.yml: $CI_COMMIT_SHA, $CI_COMMIT_SHORT_SHA, $CI_COMMIT_REF_SLUG, $CI_COMMIT_TAG, … (repeatable; replaces the defaults)',
    default: 'the SHA, the short SHA, the ref slug, both, the git tag',
    byCommand: { 'delete-tag': { group: 'What to delete' } },
  },
  {
    name: 'allow-deleting-deployed-images',
    group: 'Retention rules',
    type: 'boolean',
    commands: ['delete-tag', 'prune'],
    description: 'let the age and count rules delete the images environments run (see docs/deployments.md)',
    byCommand: {
      'delete-tag': {
        group: 'What to delete',
        description: "delete the tags even where another available environment's last deployment runs them",
      },
    },
  },
];
