// Tag templates: how a pipeline tags the image it deploys, written as in .gitlab-ci.yml
// ($CI_COMMIT_SHORT_SHA, ${CI_COMMIT_REF_SLUG}-$CI_COMMIT_SHORT_SHA). GitLab records a deployment's
// ref and commit, never an image tag, so the tags an environment runs are these templates
// expanded with its deployments' values, as the deploy job's variables were. Pure.

import { type DeploymentRecord, TAG_NAME } from '../model.ts';
import { refSlug } from './slug.ts';

/** The predefined CI/CD variables a deployment's record tells the value of. */
export const TEMPLATE_VARIABLES = [
  'CI_COMMIT_SHA',
  'CI_COMMIT_SHORT_SHA',
  'CI_COMMIT_REF_NAME',
  'CI_COMMIT_REF_SLUG',
  'CI_COMMIT_TAG',
  'CI_COMMIT_BRANCH',
  'CI_ENVIRONMENT_NAME',
  'CI_ENVIRONMENT_SLUG',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** The common conventions: the commit, its short SHA, the ref's slug, both together, the git tag. */
export const DEFAULT_TAG_TEMPLATES: readonly string[] = [
  '$CI_COMMIT_SHA',
  '$CI_COMMIT_SHORT_SHA',
  '$CI_COMMIT_REF_SLUG',
  '$CI_COMMIT_REF_SLUG-$CI_COMMIT_SHORT_SHA',
  '$CI_COMMIT_SHORT_SHA-$CI_COMMIT_REF_SLUG',
  '$CI_COMMIT_TAG',
];

export type TemplatePart = { text: string } | { variable: TemplateVariable };

export interface TagTemplate {
  /** as written */
  source: string;
  parts: readonly TemplatePart[];
}

/** A shell variable name, as GitLab Runner reads `$NAME` and `${NAME}`. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
/** What a tag name may contain besides what variables give. */
const TAG_CHARACTER = /^[A-Za-z0-9._-]$/;
const KNOWN = new Set<string>(TEMPLATE_VARIABLES);

/** The template, or why it cannot name a tag (the message follows the template as written). */
export function parseTagTemplate(source: string): TagTemplate | { error: string } {
  if (source.trim() === '') return { error: 'is empty: give a tag template such as $CI_COMMIT_SHORT_SHA' };
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < source.length) {
    const character = source[i] as string;
    if (character !== '$') {
      if (!TAG_CHARACTER.test(character)) {
        return {
          error: `contains ${JSON.stringify(character)}, which no tag name can: a template gives the tag alone (letters, digits, _ . - and variables), not the image or its path`,
        };
      }
      text += character;
      i++;
      continue;
    }
    const braced = source[i + 1] === '{';
    const rest = source.slice(i + (braced ? 2 : 1));
    const name = NAME.exec(rest)?.[0];
    if (!name)
      return {
        error: `has a $ that no variable name follows (write $CI_COMMIT_SHORT_SHA or \${CI_COMMIT_SHORT_SHA})`,
      };
    if (braced && rest[name.length] !== '}') return { error: `has \${${name} without its closing }` };
    if (!KNOWN.has(name)) {
      return {
        error: `uses $${name}, which a deployment's record does not tell: use ${TEMPLATE_VARIABLES.map((v) => `$${v}`).join(', ')}`,
      };
    }
    if (text) parts.push({ text });
    text = '';
    parts.push({ variable: name as TemplateVariable });
    i += (braced ? 3 : 1) + name.length;
  }
  if (text) parts.push({ text });
  if (!parts.some((part) => 'variable' in part)) {
    return {
      error:
        'has no variable, so every deployment would keep this one tag (use --keep for a fixed name); if it was set in .gitlab-ci.yml, GitLab expanded the variable before registry-cleaner saw it: write $$CI_COMMIT_SHORT_SHA there, or use expand: false',
    };
  }
  return { source, parts };
}

/**
 * The tag names the templates give for one deployment of an environment, in template order,
 * without duplicates; names that no tag can have (an empty $CI_COMMIT_TAG, a ref with a '/') are
 * left out. A deployment that does not say whether its ref is a git tag gets the names of both
 * readings: keeping a tag that does not exist costs nothing.
 */
export function expandTagTemplates(
  templates: readonly TagTemplate[],
  deployment: DeploymentRecord,
  environment: { name: string; slug: string },
): string[] {
  const readings = deployment.refIsTag === undefined ? [true, false] : [deployment.refIsTag];
  const names = new Set<string>();
  for (const refIsTag of readings) {
    const values = variableValues(deployment, refIsTag, environment);
    for (const template of templates) {
      const name = template.parts
        .map((part) => ('text' in part ? part.text : values[part.variable]))
        .join('');
      if (TAG_NAME.test(name)) names.add(name);
    }
  }
  return [...names];
}

/**
 * The values GitLab gives these variables in the deploy job (Ci::Pipeline#short_sha is the first 8
 * characters; the ref slug is lib/gitlab/utils.rb `slugify`). A variable the job would not have
 * had ($CI_COMMIT_TAG in a branch pipeline) is empty, as it is in a job.
 */
function variableValues(
  deployment: DeploymentRecord,
  refIsTag: boolean,
  environment: { name: string; slug: string },
): Record<TemplateVariable, string> {
  return {
    CI_COMMIT_SHA: deployment.sha,
    CI_COMMIT_SHORT_SHA: deployment.sha.slice(0, 8),
    CI_COMMIT_REF_NAME: deployment.ref,
    CI_COMMIT_REF_SLUG: refSlug(deployment.ref),
    CI_COMMIT_TAG: refIsTag ? deployment.ref : '',
    CI_COMMIT_BRANCH: refIsTag ? '' : deployment.ref,
    CI_ENVIRONMENT_NAME: environment.name,
    CI_ENVIRONMENT_SLUG: environment.slug,
  };
}
