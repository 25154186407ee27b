// What the bundle says about itself: --help with option groups and examples, [array] only on flags a
// command takes more than once, and a stray REGISTRY_CLEANER_* variable that warns without failing.

import { describe, expect, test } from 'vitest';
import { runBundle, stderrLines } from './support/bundle.ts';
import { closedPort } from './support/closed-port.ts';

async function help(command: string): Promise<string> {
  const result = await runBundle([command, '--help'], {});
  expect(result.code).toBe(0);
  return result.stdout;
}

/** The flags whose help line ends with [array]. */
function arrayFlags(text: string): string[] {
  const flags: string[] = [];
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const flag = /^\s+(?:-\w, )?--([a-z-]+)/.exec(line);
    if (flag) current = flag[1];
    if (/^\s*$/.test(line) || /^\S/.test(line)) current = undefined;
    if (current && /\[array\]/.test(line) && !flags.includes(current)) flags.push(current);
  }
  return flags;
}

/** The group headings, in order. */
const headings = (text: string) => text.split('\n').filter((line) => /^[A-Z][a-z ]+:$/.test(line));

describe('--help', () => {
  test('delete-tag: groups, examples, and --project without [array]', async () => {
    const text = await help('delete-tag');
    expect(headings(text)).toEqual([
      'What to delete:',
      'Run and output:',
      'Connection:',
      'Options:',
      'Examples:',
    ]);
    expect(arrayFlags(text)).toEqual(['tag', 'repository', 'deployed-tag']);
    expect(text).toMatch(/--project\s+project id or full path\s+\[string\]/);
    expect(text).toContain(
      '  # every repository of the project, as a dry run: nothing deleted\n  registry-cleaner delete-tag --all-repositories --dry-run\n',
    );
    expect(text).toMatch(/--color\s+colour on \(--color\) or off \(--no-color\)/);
  });

  test('prune: groups, examples with their regexes quoted for a shell, and the repeatable flags', async () => {
    const text = await help('prune');
    expect(headings(text)).toEqual([
      'Where:',
      'Retention rules:',
      'Run and output:',
      'Connection:',
      'Options:',
      'Examples:',
    ]);
    expect(arrayFlags(text)).toEqual([
      'repository',
      'project',
      'group',
      'keep',
      'accept-ages',
      'deployed-tag',
    ]);
    // whole lines: a command line pastes as typed
    expect(text).toContain(
      "\n  registry-cleaner prune --older-than 30d --keep '(v?\\d+\\.\\d+\\.\\d+|main)'\n",
    );
    expect(text).toContain(
      "\n  registry-cleaner prune --group acme --stale-branches --match '(feature|fix)-.*'\n",
    );
  });

  test('delete-tag refuses a second --project, with the reason', async () => {
    const result = await runBundle(['delete-tag', '--project', '1', '--project', '2', '--tag', 'x'], {
      REGISTRY_CLEANER_TOKEN: 'token',
      CI_API_V4_URL: 'https://gitlab.example.com/api/v4',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--project was given 2 times: delete-tag works on one project');
  });
});

test('REGISTRY_CLEANER_IMAGE, set for every job of a group, is a warning: the run goes on', async () => {
  const port = await closedPort();
  const result = await runBundle(['delete-tag', '--retries', '0'], {
    CI_API_V4_URL: `http://127.0.0.1:${port}/api/v4`,
    CI_PROJECT_ID: '1',
    CI_COMMIT_REF_SLUG: 'feature-login',
    CI_JOB_TOKEN: 'job-token',
    REGISTRY_CLEANER_IMAGE: 'registry.example.com/tools/registry-cleaner:1',
  });
  expect(stderrLines(result)[0]).toBe(
    'warning: REGISTRY_CLEANER_IMAGE is not a registry-cleaner variable (none is close to it): ignored',
  );
  // it reached the network: exit 1 for the refused connection, not 2 for the variable
  expect(result.stderr).toContain('ECONNREFUSED');
  expect(result.code).toBe(1);
});
