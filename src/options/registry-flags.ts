// The flag of the container registry's own API (a part of options/flags.ts' table).

import type { Flag } from './flags.ts';

export const REGISTRY_FLAGS: readonly Flag[] = [
  {
    name: 'registry-url',
    group: 'Connection',
    type: 'string',
    commands: ['delete-tag', 'prune'],
    description:
      "the container registry's URL (https://host[:port]), to list and delete through its own API; 'none': GitLab's APIs only",
    default: 'https://$CI_REGISTRY',
  },
];
