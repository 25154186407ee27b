// The protection of deployed images, pure parts: tag templates, the deployment → tag mapping, the
// rule's place among the name rules, and delete-tag's plan keeping what other environments run.

import { describe, expect, test } from 'vitest';
import type { EnvironmentDeployments } from '../../src/model.ts';
import { deployedTags, describeDeployed } from '../../src/plan/deployed.ts';
import { planRepository } from '../../src/plan/retention.ts';
import { keptByName } from '../../src/plan/rules.ts';
import {
  DEFAULT_TAG_TEMPLATES,
  expandTagTemplates,
  parseTagTemplate,
  type TagTemplate,
} from '../../src/plan/tag-templates.ts';
import { planDeleteTag } from '../../src/plan/targets.ts';
import { DAY, inventory, NOW, pattern, repository, rules, tag } from './builders.ts';

const SHA = '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d';
const OLD_SHA = '99887766554433221100ffeeddccbbaa99887766';

function templates(sources: readonly string[] = DEFAULT_TAG_TEMPLATES): TagTemplate[] {
  return sources.map((source) => {
    const parsed = parseTagTemplate(source);
    if ('error' in parsed) throw new Error(`${source} ${parsed.error}`);
    return parsed;
  });
}

function environment(
  name: string,
  deployments: EnvironmentDeployments['deployments'],
  slug = name,
): EnvironmentDeployments {
  return { name, slug, state: 'available', deployments };
}

/** `${NAME}`, written without a template-literal look-alike in the source */
const braced = (name: string) => '$'.concat('{', name, '}');

const error = (source: string) => {
  const parsed = parseTagTemplate(source);
  return 'error' in parsed ? parsed.error : undefined;
};

describe('tag templates', () => {
  test('$NAME and the braced form, with literal text around them', () => {
    const source = `v${braced('CI_COMMIT_REF_SLUG')}-$CI_COMMIT_SHORT_SHA.arm64`;
    expect(parseTagTemplate(source)).toEqual({
      source,
      parts: [
        { text: 'v' },
        { variable: 'CI_COMMIT_REF_SLUG' },
        { text: '-' },
        { variable: 'CI_COMMIT_SHORT_SHA' },
        { text: '.arm64' },
      ],
    });
  });

  test('what cannot name a deployment’s tag is refused, saying why', () => {
    expect(error('$CI_PIPELINE_ID')).toMatch(
      /^uses \$CI_PIPELINE_ID, which a deployment's record does not tell: use \$CI_COMMIT_SHA, /,
    );
    expect(error('$')).toMatch(/a \$ that no variable name follows/);
    expect(error('x-$-y')).toMatch(/a \$ that no variable name follows/);
    expect(error(braced('CI_COMMIT_SHA').slice(0, -1))).toBe(
      `has ${braced('CI_COMMIT_SHA').slice(0, -1)} without its closing }`,
    );
    expect(error('registry.example.com/app:$CI_COMMIT_SHA')).toMatch(/^contains "\/", which no tag name can/);
    expect(error('app:$CI_COMMIT_SHA')).toMatch(/^contains ":"/);
    expect(error('1a2b3c4d')).toMatch(
      /^has no variable.*write \$\$CI_COMMIT_SHORT_SHA there, or use expand: false$/,
    );
    expect(error('  ')).toMatch(/^is empty/);
    for (const source of DEFAULT_TAG_TEMPLATES) expect(error(source), source).toBeUndefined();
  });
});

describe('the tags a deployment gives', () => {
  test('a branch deployment under the defaults: SHA, short SHA, slug, both orders; no git tag', () => {
    const tags = expandTagTemplates(
      templates(),
      { ref: 'feature/Login', sha: SHA, refIsTag: false },
      {
        name: 'production',
        slug: 'production',
      },
    );
    expect(tags).toEqual([
      SHA,
      '1a2b3c4d',
      'feature-login',
      'feature-login-1a2b3c4d',
      '1a2b3c4d-feature-login',
    ]);
  });

  test('a git tag deployment adds the tag name itself', () => {
    const tags = expandTagTemplates(
      templates(),
      { ref: 'v1.2.0', sha: SHA, refIsTag: true },
      {
        name: 'production',
        slug: 'production',
      },
    );
    expect(tags).toEqual([SHA, '1a2b3c4d', 'v1-2-0', 'v1-2-0-1a2b3c4d', '1a2b3c4d-v1-2-0', 'v1.2.0']);
  });

  test('a deployment made through the API does not say whether its ref is a tag: both readings count', () => {
    const source = ['$CI_COMMIT_TAG', 'b-$CI_COMMIT_BRANCH', 't-$CI_COMMIT_TAG'];
    const unknown = expandTagTemplates(
      templates(source),
      { ref: 'v1.2.0', sha: SHA },
      { name: 'p', slug: 'p' },
    );
    // read as a tag: v1.2.0, b-, t-v1.2.0; read as a branch: (empty), b-v1.2.0, t-
    expect(unknown).toEqual(['v1.2.0', 'b-', 't-v1.2.0', 'b-v1.2.0', 't-']);
    const branch = expandTagTemplates(
      templates(source),
      { ref: 'v1.2.0', sha: SHA, refIsTag: false },
      {
        name: 'p',
        slug: 'p',
      },
    );
    // As in a branch pipeline: $CI_COMMIT_TAG is empty, so 't-' is what that job would have pushed.
    expect(branch).toEqual(['b-v1.2.0', 't-']);
  });

  test('names no tag can have are left out: a ref with "/", an empty result', () => {
    const tags = expandTagTemplates(
      templates(['$CI_COMMIT_REF_NAME', '$CI_ENVIRONMENT_NAME', '$CI_ENVIRONMENT_SLUG-$CI_COMMIT_SHORT_SHA']),
      { ref: 'feature/x', sha: SHA, refIsTag: false },
      { name: 'review/feature-x', slug: 'review-feature-x-abc123' },
    );
    expect(tags).toEqual(['review-feature-x-abc123-1a2b3c4d']);
  });

  test('slugs are GitLab’s: 63 characters before the trimming', () => {
    const ref = `${'a'.repeat(62)}/b`;
    const [slug] = expandTagTemplates(
      templates(['$CI_COMMIT_REF_SLUG']),
      { ref, sha: SHA, refIsTag: false },
      {
        name: 'p',
        slug: 'p',
      },
    );
    expect(slug).toBe('a'.repeat(62));
  });
});

describe('deployedTags', () => {
  const production = environment('production', [
    { ref: 'main', sha: SHA, refIsTag: false },
    { ref: 'main', sha: OLD_SHA, refIsTag: false },
  ]);
  const staging = environment('staging', [{ ref: 'main', sha: OLD_SHA, refIsTag: false }]);

  test('the last deployment of each environment; more with keepDeployments, for rollbacks', () => {
    const one = deployedTags([production], templates(['$CI_COMMIT_SHORT_SHA']));
    expect([...one.keys()]).toEqual(['1a2b3c4d']);
    const two = deployedTags([production], templates(['$CI_COMMIT_SHORT_SHA']), { keepDeployments: 2 });
    expect([...two.keys()]).toEqual(['1a2b3c4d', '99887766']);
    expect(two.get('99887766')).toMatchObject({ environment: 'production', rollback: 1 });
  });

  test('a tag several environments give is named after what runs now, then lists the others', () => {
    const tags = deployedTags(
      [production, staging],
      templates(['$CI_COMMIT_SHORT_SHA', '$CI_COMMIT_REF_SLUG']),
      {
        keepDeployments: 2,
      },
    );
    expect(tags.get('99887766')).toEqual({
      environment: 'staging',
      ref: 'main',
      sha: OLD_SHA,
      rollback: 0,
      alsoIn: ['production'],
    });
    expect(tags.get('main')).toMatchObject({ environment: 'production', alsoIn: ['staging'] });
  });

  test('the environment being stopped keeps nothing', () => {
    const tags = deployedTags([production, staging], templates(['$CI_COMMIT_SHORT_SHA']), {
      except: 'production',
    });
    expect([...tags.keys()]).toEqual(['99887766']);
  });

  test('reasons name the environment, the ref and the short SHA', () => {
    const base = { environment: 'production', ref: 'main', sha: SHA, alsoIn: [] };
    expect(describeDeployed({ ...base, rollback: 0 })).toBe(
      'deployed to production (ref main, sha 1a2b3c4d)',
    );
    expect(describeDeployed({ ...base, rollback: 2 })).toBe(
      'deployed to production 2 deployments before its last, kept for rollbacks (ref main, sha 1a2b3c4d)',
    );
    expect(describeDeployed({ ...base, rollback: 0, alsoIn: ['a', 'b', 'c', 'd'] })).toBe(
      'deployed to production (ref main, sha 1a2b3c4d); also a, b and 2 more',
    );
  });
});

describe('the deployed rule', () => {
  const protection = { templates: templates(), keepDeployments: 1 };
  const deployed = deployedTags(
    [environment('production', [{ ref: 'main', sha: SHA, refIsTag: false }])],
    protection.templates,
  );

  test('comes right after latest: it wins over --keep, --match and the branch rules', () => {
    const withMatch = rules({
      deployments: protection,
      match: pattern('feature-.*'),
      keep: [pattern('main', 'keep')],
    });
    expect(keptByName('latest', withMatch, { deployed })).toBe('latest');
    expect(keptByName('main', withMatch, { deployed })).toBe('deployed');
    expect(keptByName('1a2b3c4d', withMatch, { deployed })).toBe('deployed');
    expect(keptByName('feature-x', withMatch, { deployed })).toBeUndefined();
    expect(keptByName('v1', withMatch, { deployed })).toBe('not-matched');
  });

  test('keeps a deployed tag whatever its age, saying where it runs', () => {
    const plan = planRepository({
      policy: 'p',
      inventory: inventory([tag('main', 70), tag('1a2b3c4d', 70), tag('feature-x', 70)]),
      rules: rules({ deployments: protection, olderThanMs: 14 * DAY, keepLatest: 0 }),
      facts: { deployed },
      now: NOW,
    });
    expect(plan.deletions).toEqual(['feature-x']);
    expect(plan.decisions.find((d) => d.tag.name === 'main')).toMatchObject({
      action: 'keep',
      rule: 'deployed',
      because: 'deployed to production (ref main, sha 1a2b3c4d)',
    });
  });

  test('turned off, deployed tags go by the other rules', () => {
    const plan = planRepository({
      policy: 'p',
      inventory: inventory([tag('main', 70)]),
      rules: rules({ olderThanMs: 14 * DAY }),
      facts: {},
      now: NOW,
    });
    expect(plan.deletions).toEqual(['main']);
  });

  test('protection on but nothing read is a bug, never "nothing is deployed"', () => {
    expect(() => keptByName('main', rules({ deployments: protection }), {})).toThrow(
      /not read before planning/,
    );
  });
});

describe("delete-tag's plan", () => {
  const root = repository({ id: 1, name: '', path: 'acme/web' });
  const api = repository({ id: 2, name: 'api', path: 'acme/web/api' });
  const deployed = deployedTags(
    [environment('production', [{ ref: 'main', sha: SHA, refIsTag: false }])],
    templates(['$CI_COMMIT_REF_SLUG']),
  );

  test('keeps, in every selected repository, the tags another environment runs, and names it', () => {
    const plan = planDeleteTag([root, api], { kind: 'all' }, ['main', 'feature-x'], [], deployed);
    expect(plan.targets.map((t) => `${t.repository.id}:${t.tag}`)).toEqual(['1:feature-x', '2:feature-x']);
    expect(plan.kept.map((k) => [`${k.repository.id}:${k.tag}`, k.environment, k.because])).toEqual([
      ['1:main', 'production', 'deployed to production (ref main, sha 1a2b3c4d)'],
      ['2:main', 'production', 'deployed to production (ref main, sha 1a2b3c4d)'],
    ]);
  });

  test('a kept tag is neither a target nor already gone', () => {
    const plan = planDeleteTag(
      [root],
      { kind: 'all' },
      ['main'],
      [{ repository: root, tag: 'main' }],
      deployed,
    );
    expect(plan.targets).toEqual([]);
    expect(plan.absent).toEqual([]);
    expect(plan.kept).toHaveLength(1);
  });
});
