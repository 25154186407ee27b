// The files GitLab reads from artifacts:reports — dotenv, annotations, JUnit — written by the bundle.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { type Sandbox, SandboxState, startSandbox } from '../sandbox/index.ts';
import { seedRetentionWorld } from '../scenarios/retention.ts';
import { runCli } from './cli.ts';
import { startReviewWorld } from './support/review-world.ts';
import { temporaryDirectory } from './support/temporary.ts';

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
});

function files() {
  const dir = temporaryDirectory('rc-artifacts-');
  const paths = {
    dotenv: join(dir, 'cleanup.env'),
    annotations: join(dir, 'annotations.json'),
    junit: join(dir, 'junit.xml'),
  };
  const args = ['--dotenv', paths.dotenv, '--annotations', paths.annotations, '--junit', paths.junit];
  return { paths, args, read: (name: keyof typeof paths) => readFileSync(paths[name], 'utf8') };
}

describe('GitLab artifact reports', () => {
  test('delete-tag: dotenv counts, a link to the registry page, one JUnit case per tag (protected fails)', async () => {
    const world = await startReviewWorld();
    sandboxes.push(world.sandbox);
    world.sandbox.state.addProtectionRule(world.project, {
      pattern: '^main$',
      minimumAccessLevelForDelete: 'maintainer',
    });
    const out = files();
    const env = {
      CI_API_V4_URL: world.sandbox.apiUrl,
      CI_PROJECT_ID: String(world.project.id),
      CI_PROJECT_URL: 'https://gitlab.example.com/Acme/Web-App',
      CI_JOB_TOKEN: world.jobToken,
    };
    const result = await runCli(['delete-tag', '--tag', 'feature-login', '--tag', 'main', ...out.args], env);
    expect(result.code).toBe(1);
    expect(out.read('dotenv')).toContain('REGISTRY_CLEANER_RESULT_DELETED=1\n');
    expect(out.read('dotenv')).toContain('REGISTRY_CLEANER_RESULT_PROTECTED=1\n');
    expect(out.read('dotenv')).toContain('REGISTRY_CLEANER_RESULT_EXIT_CODE=1\n');
    const annotations = JSON.parse(out.read('annotations'));
    expect(annotations['registry-cleaner'][0]).toEqual({
      external_link: {
        label: 'Container registry',
        url: 'https://gitlab.example.com/Acme/Web-App/container_registry',
      },
    });
    const junit = out.read('junit');
    expect(junit).toMatch(/<testcase classname="acme\/web-app" name="feature-login"\/>/);
    expect(junit).toMatch(/<testcase classname="acme\/web-app" name="main">\s*<failure message="protected: /);

    // A downstream job that receives the dotenv variables may run registry-cleaner again.
    const variables = Object.fromEntries(
      out
        .read('dotenv')
        .trim()
        .split('\n')
        .map((line) => line.split('=') as [string, string]),
    );
    const next = await runCli(['delete-tag', '--tag', 'feature-login', '--dry-run'], {
      ...env,
      ...variables,
    });
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);
  });

  test('prune: totals in dotenv, one link per project, one JUnit case per repository', async () => {
    const state = new SandboxState();
    const w = seedRetentionWorld(state, { projects: 2, repositories: 4, tags: 200 });
    const sandbox = await startSandbox({ state });
    sandboxes.push(sandbox);
    const out = files();
    const result = await runCli(
      [
        'prune',
        ...w.projects.flatMap((p) => ['--project', String(p.id)]),
        '--older-than',
        '30d',
        ...out.args,
      ],
      { CI_API_V4_URL: sandbox.apiUrl, REGISTRY_CLEANER_TOKEN: w.personalToken },
    );
    expect(result.code).toBe(0);
    const dotenv = out.read('dotenv');
    const deleted = Number(/REGISTRY_CLEANER_RESULT_DELETED=(\d+)/.exec(dotenv)?.[1]);
    expect(deleted).toBeGreaterThan(0);
    expect(200 - state.repositories().reduce((n, r) => n + state.tags(r).length, 0)).toBe(deleted);
    expect(dotenv).toMatch(/REGISTRY_CLEANER_RESULT_RECLAIMABLE_BYTES=\d+/);
    const links = JSON.parse(out.read('annotations'))['registry-cleaner'];
    expect(links).toHaveLength(2);
    expect(links[0].external_link.url).toMatch(
      new RegExp(`^${sandbox.url}/acme/team-0/service-0/container_registry$`),
    );
    expect(out.read('junit').match(/<testcase /g)).toHaveLength(4);
  });
});
