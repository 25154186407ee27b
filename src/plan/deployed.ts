// Which tags environments run: the tag templates expanded with each environment's latest
// successful deployments. prune keeps them whatever its other rules say; delete-tag keeps those of
// other available environments. Pure.

import type { EnvironmentDeployments } from '../model.ts';
import { expandTagTemplates, type TagTemplate } from './tag-templates.ts';

/** What prune's protection of deployed images needs: how images are tagged, how far back to keep. */
export interface DeploymentProtection {
  templates: readonly TagTemplate[];
  /** the last n successful deployments of each environment are kept (1: what runs now; more: rollbacks) */
  keepDeployments: number;
}

/** Why a tag is kept: the deployment it belongs to. */
export interface DeployedTag {
  environment: string;
  ref: string;
  sha: string;
  /** 0: the environment's last successful deployment; n: the one n deployments before it */
  rollback: number;
  /** other environments whose kept deployments give the same tag */
  alsoIn: string[];
}

/** Tag name → the deployment that keeps it. */
export type DeployedTags = ReadonlyMap<string, DeployedTag>;

/**
 * The tags of the last `keepDeployments` successful deployments of every environment but `except`
 * (the environment a stop job is stopping). A tag several deployments give is named after the
 * most recent one: what runs now before what a rollback would need, then the environments' order.
 */
export function deployedTags(
  environments: readonly EnvironmentDeployments[],
  templates: readonly TagTemplate[],
  { keepDeployments = 1, except }: { keepDeployments?: number; except?: string } = {},
): DeployedTags {
  const tags = new Map<string, DeployedTag>();
  const considered = environments.filter((environment) => environment.name !== except);
  for (let rollback = 0; rollback < keepDeployments; rollback++) {
    for (const environment of considered) {
      const deployment = environment.deployments[rollback];
      if (!deployment) continue;
      for (const name of expandTagTemplates(templates, deployment, environment)) {
        const known = tags.get(name);
        if (!known) {
          tags.set(name, {
            environment: environment.name,
            ref: deployment.ref,
            sha: deployment.sha,
            rollback,
            alsoIn: [],
          });
        } else if (known.environment !== environment.name && !known.alsoIn.includes(environment.name)) {
          known.alsoIn.push(environment.name);
        }
      }
    }
  }
  return tags;
}

/** "deployed to production (ref main, sha 1a2b3c4d); also staging" */
export function describeDeployed(tag: DeployedTag): string {
  const which =
    tag.rollback === 0
      ? `deployed to ${tag.environment}`
      : `deployed to ${tag.environment} ${tag.rollback} deployment${tag.rollback === 1 ? '' : 's'} before its last, kept for rollbacks`;
  const others =
    tag.alsoIn.length === 0
      ? ''
      : tag.alsoIn.length <= 3
        ? `; also ${tag.alsoIn.join(', ')}`
        : `; also ${tag.alsoIn.slice(0, 2).join(', ')} and ${tag.alsoIn.length - 2} more`;
  return `${which} (ref ${tag.ref}, sha ${tag.sha.slice(0, 8)})${others}`;
}
