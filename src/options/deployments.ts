// The protection of deployed images, as flags, variables and policy files give it: the tag templates
// (checked before any request) and how many deployments per environment to keep.

import type { DeploymentProtection } from '../plan/deployed.ts';
import { DEFAULT_TAG_TEMPLATES, parseTagTemplate, type TagTemplate } from '../plan/tag-templates.ts';

/** GitLab pages hold at most 100 deployments, and one page per environment is the read's budget. */
export const MAX_KEEP_DEPLOYMENTS = 100;

/** The templates as written, or the defaults; `where` names the input for messages. */
export function tagTemplates(
  sources: readonly string[] | undefined,
  where: string,
  fail: (message: string) => never,
): TagTemplate[] {
  const written = sources && sources.length > 0 ? sources : DEFAULT_TAG_TEMPLATES;
  return written.map((source) => {
    const template = parseTagTemplate(source);
    if ('error' in template) return fail(`${where} ${JSON.stringify(source)} ${template.error}`);
    return template;
  });
}

export interface ProtectionInput {
  deployedTags?: readonly string[];
  keepDeployments?: number;
  allowDeletingDeployedImages?: boolean;
}

/** undefined when the protection is turned off; contradictions are refused. */
export function deploymentProtection(
  input: ProtectionInput,
  where: (field: string) => string,
  fail: (message: string) => never,
): DeploymentProtection | undefined {
  if (input.allowDeletingDeployedImages) {
    const clash =
      input.deployedTags !== undefined
        ? 'deployed-tag'
        : input.keepDeployments !== undefined
          ? 'keep-deployments'
          : undefined;
    if (clash) {
      fail(
        `${where('allow-deleting-deployed-images')} and ${where(clash)} contradict each other: the first turns off the protection the second configures`,
      );
    }
    return undefined;
  }
  const keepDeployments = input.keepDeployments ?? 1;
  if (!Number.isInteger(keepDeployments) || keepDeployments < 1 || keepDeployments > MAX_KEEP_DEPLOYMENTS) {
    fail(
      `${where('keep-deployments')} ${input.keepDeployments} must be a whole number from 1 to ${MAX_KEEP_DEPLOYMENTS} (to keep no deployed image, use --allow-deleting-deployed-images)`,
    );
  }
  return { templates: tagTemplates(input.deployedTags, where('deployed-tag'), fail), keepDeployments };
}
