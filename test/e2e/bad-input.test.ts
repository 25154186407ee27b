// Bad input, through the real bundle: every entry point (flags, REGISTRY_CLEANER_* variables, CI_*
// variables, config files, proxy and CA settings) refuses it with exit 2 and one stderr line that
// names the input and the fix — before a single request reaches GitLab. What test/unit/options.test.ts
// and test/e2e/prune.test.ts already cover is not repeated here.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { oneErrorLine, runBundle } from './support/bundle.ts';
import { DAY_MS, PAT, PROJECT_PATH, snapshot, startWorld, WORLD_NOW } from './support/small-world.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rc-bad-input-'));
  const files: Record<string, string | Buffer> = {
    'binary.yml': Buffer.from([0, 1, 2, 0xff, 0xfe, 0x20, 0x3a, 0x00, 0x5b]),
    'empty.yml': '',
    'not-a-list.yml': 'policies: {}\n',
    'older-than-number.yml': policy('older-than: 14'),
    'stale-string.yml': policy('older-than: 14d\n    stale-branches: "yes"'),
    'projects-mapping.yml': 'policies:\n  - name: p\n    projects: {acme: 1}\n    older-than: 14d\n',
    'underscore-field.yml': policy('older-than: 14d\n    keep_latest: 3'),
    'match-number.yml': policy('older-than: 14d\n    match: 42'),
    'keep-lookahead.yml': policy('older-than: 14d\n    keep: ["ok", "(?!x)y"]'),
    'match-backreference.yml': policy("older-than: 14d\n    match: '(feature)-\\1'"),
    'trailing-comma.json': `[{"name": "p", "projects": ["${PROJECT_PATH}"], "older-than": "14d",}]`,
    'legacy-months.json': '{"web": {"id": 1, "delete_older_than": {"months": 1}}}',
    // "billion laughs": 10^7 strings from a 300-byte file
    'alias-bomb.yml': [
      'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
      ...['b', 'c', 'd', 'e', 'f', 'g'].map(
        (name, i) => `${name}: &${name} [${Array(10).fill(`*${'abcdefg'[i]}`).join(',')}]`,
      ),
      'policies: *g',
    ].join('\n'),
    'not-pem.pem': 'this is not a certificate\n',
    'a-file': 'I am a file, not a directory\n',
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  mkdirSync(join(dir, 'a-directory'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function policy(rules: string): string {
  return `policies:\n  - name: p\n    projects: [${PROJECT_PATH}]\n    ${rules}\n`;
}

/** {url}, {api} and {dir} in a case are replaced by the sandbox's URLs and the temp directory. */
interface Case {
  args: string[];
  /** on top of REGISTRY_CLEANER_GITLAB_URL and REGISTRY_CLEANER_TOKEN; undefined removes a variable */
  env?: Record<string, string | undefined>;
  /** must name the input and the fix */
  message: RegExp;
}

const DELETE_TAG = ['delete-tag', '--project', PROJECT_PATH, '--tag', 'feature-login'];
const PRUNE = ['prune', '--project', PROJECT_PATH, '--older-than', '14d'];

async function expectRefused({ args, env = {}, message }: Case): Promise<void> {
  const world = await startWorld();
  try {
    const fill = (text: string) =>
      text
        .replaceAll('{url}', world.sandbox.url)
        .replaceAll('{api}', world.sandbox.apiUrl)
        .replaceAll('{dir}', dir);
    const merged: Record<string, string | undefined> = { ...world.patEnv(world.sandbox), ...env };
    const childEnv: Record<string, string> = {};
    for (const [name, value] of Object.entries(merged)) if (value !== undefined) childEnv[name] = fill(value);
    const before = snapshot(world.state);
    const result = await runBundle(args.map(fill), childEnv);
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: '' });
    expect(oneErrorLine(result)).toMatch(message);
    for (const secret of [PAT, 's3cret-proxy-pass', 'glpat-inurl0123456789']) {
      expect(result.stderr).not.toContain(secret);
    }
    expect(world.sandbox.requests).toEqual([]);
    expect(snapshot(world.state)).toEqual(before);
  } finally {
    await world.sandbox.close();
  }
}

describe.concurrent('the command line', () => {
  test.each<[string, Case]>([
    [
      'no command',
      { args: [], message: /say what to do: registry-cleaner delete-tag, or registry-cleaner prune/ },
    ],
    ['an unknown command', { args: ['purge'], message: /Did you mean prune\?.*--help/ }],
    ['an unknown flag', { args: [...PRUNE, '--dryrun'], message: /Unknown argument: --dryrun.*--help/ }],
    ['a flag of the other command', { args: [...PRUNE, '--tag', 'x'], message: /Unknown argument: --tag/ }],
    [
      '--config with a rule from a variable',
      {
        args: ['prune', '--config', '{dir}/legacy-months.json'],
        env: { REGISTRY_CLEANER_KEEP_LATEST: '3' },
        message: /--config and REGISTRY_CLEANER_KEEP_LATEST contradict each other/,
      },
    ],
    [
      'a fractional keep-latest',
      { args: [...PRUNE, '--keep-latest', '2.5'], message: /--keep-latest 2.5 must be a whole number/ },
    ],
    [
      'a timeout beyond 10 minutes',
      { args: [...DELETE_TAG, '--timeout', '11m'], message: /--timeout 11m is too long: at most 10m/ },
    ],
    [
      'a group with a space',
      {
        args: ['prune', '--group', 'acme platform', '--older-than', '14d'],
        message: /--group acme platform is not a group: give its numeric id or its full path/,
      },
    ],
    [
      'a repository glob leaving the project',
      {
        args: [...PRUNE, '--repository', '../other'],
        message: /--repository \.\.\/other is not a repository glob/,
      },
    ],
    [
      'a CA file that is not PEM',
      {
        args: [...DELETE_TAG, '--ca-file', '{dir}/not-pem.pem'],
        message: /--ca-file .*not-pem\.pem holds no PEM certificate/,
      },
    ],
  ])('%s', async (_, testCase) => expectRefused(testCase));
});

describe.concurrent("yargs' own refusals", () => {
  // yargs writes this refusal over two lines; CI logs and wrappers that read the first line of
  // stderr need all of it on one.
  test('a choice that does not exist is one line', async () => {
    await expectRefused({
      args: [...PRUNE, '--output', 'yaml'],
      message: /Invalid values: Argument: output, Given: "yaml", Choices: "text", "json"/,
    });
  });
});

describe.concurrent('a flag given twice where one value is expected', () => {
  // yargs turns a repeated flag into an array. Picking one of the values silently could aim the run
  // at the wrong GitLab, token or tags, so a repeat is refused before any request.
  test.each<[string, Case]>([
    [
      '--gitlab-url',
      {
        args: [...DELETE_TAG, '--gitlab-url', '{url}', '--gitlab-url', '{url}/x'],
        message: /--gitlab-url was given 2 times: give it once/,
      },
    ],
    [
      '--token',
      {
        args: [...DELETE_TAG, '--token', 'glpat-first-0123456789', '--token', 'glpat-second-0123456789'],
        message: /--token was given 2 times: give it once/,
      },
    ],
    [
      '--timeout',
      {
        args: [...PRUNE, '--timeout', '5s', '--timeout', '10s'],
        message: /--timeout was given 2 times: give it once/,
      },
    ],
    [
      '--older-than',
      { args: [...PRUNE, '--older-than', '30d'], message: /--older-than was given 2 times: give it once/ },
    ],
    [
      '--match',
      {
        args: [...PRUNE, '--match', 'a.*', '--match', 'b.*'],
        message: /--match was given 2 times: give it once/,
      },
    ],
    [
      '--report',
      {
        args: [...DELETE_TAG, '--report', '{dir}/a.json', '--report', '{dir}/b.json'],
        message: /--report was given 2 times: give it once/,
      },
    ],
  ])('%s', async (_, testCase) => expectRefused(testCase));
});

describe.concurrent('durations, numbers and booleans in REGISTRY_CLEANER_* variables', () => {
  test.each<[string, Case]>([
    [
      'a duration with an unknown unit',
      {
        args: ['prune', '--project', PROJECT_PATH],
        env: { REGISTRY_CLEANER_OLDER_THAN: '14x' },
        message: /REGISTRY_CLEANER_OLDER_THAN 14x has an unknown unit "x": use s, m, h, d or w/,
      },
    ],
    [
      'a number that is not one',
      {
        args: PRUNE,
        env: { REGISTRY_CLEANER_RETRIES: 'many' },
        message: /REGISTRY_CLEANER_RETRIES=many is not a number/,
      },
    ],
    [
      'keep-latest that is not a number',
      {
        args: PRUNE,
        env: { REGISTRY_CLEANER_KEEP_LATEST: 'five' },
        message: /REGISTRY_CLEANER_KEEP_LATEST=five is not a number/,
      },
    ],
    [
      'a shard that is not one',
      {
        args: PRUNE,
        env: { REGISTRY_CLEANER_SHARD: 'half' },
        message: /REGISTRY_CLEANER_SHARD half is not a shard: write i\/n/,
      },
    ],
    [
      'CI_NODE_INDEX beyond CI_NODE_TOTAL',
      {
        args: PRUNE,
        env: { CI_NODE_INDEX: '3', CI_NODE_TOTAL: '2' },
        message: /CI_NODE_INDEX\/CI_NODE_TOTAL 3\/2 needs 1 ≤ i ≤ n/,
      },
    ],
    [
      'an output format that does not exist',
      {
        args: DELETE_TAG,
        env: { REGISTRY_CLEANER_OUTPUT: 'yaml' },
        message: /REGISTRY_CLEANER_OUTPUT yaml is not a format: use text or json/,
      },
    ],
  ])('%s', async (_, testCase) => expectRefused(testCase));
});

describe.concurrent('a boolean flag with a value', () => {
  // yargs on its own reads --dry-run=<anything but "true"> as false: a user asking for a dry run
  // would get a run that deletes. A value that is not a boolean is refused instead.
  test('--dry-run=maybe is refused, not read as "no dry run"', async () => {
    await expectRefused({
      args: [...DELETE_TAG, '--dry-run=maybe'],
      message: /--dry-run=maybe is not a boolean: use true or false/,
    });
  });

  // The flag and REGISTRY_CLEANER_DRY_RUN read the same words the same way: yes and 1 mean a dry run.
  test.each(['yes', '1'])(
    '--dry-run=%s is a dry run, as the same value in REGISTRY_CLEANER_DRY_RUN is',
    async (value) => {
      const world = await startWorld();
      try {
        const before = snapshot(world.state);
        const result = await runBundle(
          [...DELETE_TAG, `--dry-run=${value}`, '--output', 'json'],
          world.patEnv(world.sandbox),
        );
        expect(snapshot(world.state)).toEqual(before);
        expect(world.sandbox.requests.filter((r) => r.method === 'DELETE')).toEqual([]);
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ dryRun: true });
      } finally {
        await world.sandbox.close();
      }
    },
  );
});

describe.concurrent('regular expressions', () => {
  // What RE2 refuses, through every way a pattern comes in: the flag or file field, the pattern and
  // the reason, in one line.
  test.each<[string, Case]>([
    [
      'an unclosed group in a variable',
      {
        args: ['prune', '--project', PROJECT_PATH, '--keep-latest', '3'],
        env: { REGISTRY_CLEANER_MATCH: '(feature' },
        message:
          /REGISTRY_CLEANER_MATCH "\(feature" is not a valid RE2 regular expression \(missing closing \): \(feature\)/,
      },
    ],
    [
      'one bad line of REGISTRY_CLEANER_KEEP',
      {
        args: PRUNE,
        env: { REGISTRY_CLEANER_KEEP: '^v.*\n[z-a]' },
        message:
          /REGISTRY_CLEANER_KEEP "\[z-a\]" is not a valid RE2 regular expression \(invalid character class range: z-a\)/,
      },
    ],
    [
      'a lookbehind in REGISTRY_CLEANER_KEEP',
      {
        args: PRUNE,
        env: { REGISTRY_CLEANER_KEEP: 'v.*\n(?<=v)1' },
        message:
          /REGISTRY_CLEANER_KEEP "\(\?<=v\)1" uses a lookbehind \(\(\?<=…\), which RE2 \(GitLab's regex engine, and this tool's\) does not support/,
      },
    ],
    [
      'a lookahead in --match',
      {
        args: [...PRUNE, '--match', 'feature-(?!login).*'],
        message:
          /--match "feature-\(\?!login\)\.\*" uses a lookahead \(\(\?!…\), which RE2 \(GitLab's regex engine, and this tool's\) does not support/,
      },
    ],
    [
      'a backreference in --keep',
      {
        args: [...PRUNE, '--keep', 'v.*', '--keep', '(a)\\1'],
        message:
          /--keep "\(a\)\\\\1" uses a backreference \(\\1\), which RE2 .* does not support: it cannot be matched in linear time/,
      },
    ],
    [
      'a count over 1000 in --match',
      {
        args: [...PRUNE, '--match', 'a{1001}'],
        message: /--match "a\{1001\}" repeats more than RE2 allows \(\{1001\}\): a count is at most 1000/,
      },
    ],
    ['an empty pattern', { args: [...PRUNE, '--keep='], message: /Not enough arguments following: keep/ }],
  ])('%s', async (_, testCase) => expectRefused(testCase));

  test('a catastrophic pattern runs in linear time on a 120-character adversarial tag name', async () => {
    const world = await startWorld({ repositories: [''], builds: 0 });
    try {
      // /(a+)+$/ against "aaa…a-" backtracks 2^119 times in a backtracking engine, which would not
      // finish within the time limit; the bench (case regex) measures how fast RE2 is.
      const adversarial = `${'a'.repeat(119)}-`;
      const [root] = world.repositories;
      world.state.pushTag(root!, adversarial, { at: new Date(Date.now() - 40 * 86_400_000) });
      world.state.pushTag(root!, 'aaaa', { at: new Date(Date.now() - 40 * 86_400_000) });
      const result = await runBundle(
        [...PRUNE, '--match', '(a+)+$', '--keep', '(a|aa)+', '--dry-run', '--output', 'json'],
        world.patEnv(world.sandbox),
        { timeoutMs: 20_000 },
      );
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as {
        repositories: { tags: { name: string; action: string; rule: string }[] }[];
      };
      const decisions = Object.fromEntries(
        report.repositories[0]!.tags.map((t) => [t.name, `${t.action} (${t.rule})`]),
      );
      // both patterns ran on the adversarial name: --keep (a|aa)+ does not match it (the '-'), and
      // neither does --match (a+)+$, so it is kept as not matched; "aaaa" is kept by --keep
      expect(decisions).toMatchObject({ [adversarial]: 'keep (not-matched)', aaaa: 'keep (keep)' });
    } finally {
      await world.sandbox.close();
    }
  });

  // GitLab's RE2 takes any count up to 1000, and a full commit SHA, [0-9a-f]{40}, is a common rule.
  test('a repetition count up to 1000 is accepted, and counts exactly', async () => {
    const world = await startWorld({ repositories: [''], builds: 0 });
    try {
      const sha = '0123456789abcdef0123456789abcdef01234567';
      const [root] = world.repositories;
      for (const name of [sha, sha.slice(1)]) {
        world.state.pushTag(root!, name, { at: new Date(WORLD_NOW - 40 * DAY_MS) });
      }
      const before = snapshot(world.state);
      const result = await runBundle(
        [
          'prune',
          '--project',
          PROJECT_PATH,
          '--match',
          '[0-9a-f]{40}',
          '--older-than',
          '1d',
          '--dry-run',
          '--output',
          'json',
        ],
        world.patEnv(world.sandbox),
      );
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as {
        repositories: { tags: { name: string; action: string; rule: string }[] }[];
      };
      const tags = report.repositories[0]!.tags;
      expect(tags.filter((t) => t.action === 'delete').map((t) => t.name)).toEqual([sha]);
      expect(tags.find((t) => t.name === sha.slice(1))).toMatchObject({
        action: 'keep',
        rule: 'not-matched',
      });
      expect(snapshot(world.state)).toEqual(before);
    } finally {
      await world.sandbox.close();
    }
  });
  // RE2 syntax as GitLab cleanup policies use it, and GitLab's anchoring, \A#{regex}\z without a
  // group: --keep 'main|master' keeps what GitLab keeps (names starting with main, or ending with
  // master), --match deletes only whole-name matches; both say so on stderr.
  test('RE2 syntax and GitLab anchoring decide, with a warning for a top-level "|"', async () => {
    const world = await startWorld({ repositories: [''], builds: 0 });
    try {
      const [root] = world.repositories;
      const names = ['main-x', 'x-master', 'feature-a', 'Feature-B', '2024', 'v2024'];
      for (const name of names) world.state.pushTag(root!, name, { at: new Date(WORLD_NOW - 40 * DAY_MS) });
      const before = snapshot(world.state);
      const result = await runBundle(
        [
          'prune',
          '--project',
          PROJECT_PATH,
          '--older-than',
          '1d',
          '--keep',
          'main|master',
          '--match',
          '(?i)feature-.*|[[:digit:]]+',
          '--dry-run',
          '--output',
          'json',
        ],
        world.patEnv(world.sandbox),
      );
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as {
        repositories: { tags: { name: string; action: string; rule: string }[] }[];
      };
      const decisions = Object.fromEntries(
        report.repositories[0]!.tags.map((t) => [t.name, `${t.action} (${t.rule})`]),
      );
      expect(decisions).toEqual({
        latest: 'keep (latest)',
        'v1.0.0': 'keep (not-matched)',
        'feature-login': 'delete (older-than)',
        'main-x': 'keep (keep)',
        'x-master': 'keep (keep)',
        'feature-a': 'delete (older-than)',
        'Feature-B': 'delete (older-than)',
        '2024': 'delete (older-than)',
        // GitLab's reading: "ends with digits"; the whole name is not a match, so it is kept
        v2024: 'keep (not-matched)',
      });
      const warnings = result.stderr.split('\n').filter((line) => line.includes('top-level'));
      expect(warnings).toEqual([
        expect.stringMatching(
          /^warning: --match "\(\?i\)feature-\.\*\|\[\[:digit:\]\]\+" has a top-level "\|": GitLab's cleanup policy reads it as: starts with "\(\?i\)feature-\.\*", or ends with "\[\[:digit:\]\]\+"; here it matches whole names only, so GitLab may delete more\. Write \(\?:\(\?i\)feature-\.\*\|\[\[:digit:\]\]\+\) to mean whole names only$/,
        ),
        expect.stringMatching(
          /^warning: --keep "main\|master" has a top-level "\|": GitLab's cleanup policy reads it as: starts with "main", or ends with "master"; here a tag matching either that or the whole name is kept/,
        ),
      ]);
      expect(snapshot(world.state)).toEqual(before);
    } finally {
      await world.sandbox.close();
    }
  });
});

describe.concurrent('tag names', () => {
  test.each<[string, Case]>([
    [
      'a tag starting with "-"',
      {
        args: ['delete-tag', '--project', PROJECT_PATH, '--tag=-rf'],
        message:
          /--tag "-rf" is not a valid tag name \(letters, digits, _ \. -, at most 128, not starting with \. or -\)/,
      },
    ],
    [
      'an empty tag',
      {
        args: ['delete-tag', '--project', PROJECT_PATH, '--tag='],
        message: /Not enough arguments following: tag/,
      },
    ],
    [
      'a path traversal',
      {
        args: ['delete-tag', '--project', PROJECT_PATH, '--tag', '..'],
        message: /--tag "\.\." is not a valid tag name/,
      },
    ],
    [
      'an encoded slash',
      {
        args: ['delete-tag', '--project', PROJECT_PATH, '--tag', 'a%2F..'],
        message: /--tag "a%2F\.\." is not a valid tag name/,
      },
    ],
    [
      'one bad name in REGISTRY_CLEANER_TAG',
      {
        args: ['delete-tag', '--project', PROJECT_PATH],
        env: { REGISTRY_CLEANER_TAG: 'main,feature/login' },
        message:
          /REGISTRY_CLEANER_TAG "feature\/login" is not a valid tag name.*use the slug of the branch \(\$CI_COMMIT_REF_SLUG\)/,
      },
    ],
    [
      'a branch name in CI_COMMIT_REF_SLUG',
      {
        args: ['delete-tag', '--project', PROJECT_PATH],
        env: { CI_COMMIT_REF_SLUG: 'Feature/Login' },
        message: /CI_COMMIT_REF_SLUG "Feature\/Login" is not a valid tag name/,
      },
    ],
  ])('%s', async (_, testCase) => expectRefused(testCase));
});

describe.concurrent('GitLab URLs', () => {
  test.each<[string, Case]>([
    [
      'a variable without a scheme',
      {
        args: DELETE_TAG,
        env: { REGISTRY_CLEANER_GITLAB_URL: 'gitlab.example.com/gitlab' },
        message:
          /REGISTRY_CLEANER_GITLAB_URL gitlab\.example\.com\/gitlab has no scheme: write it as https:\/\/gitlab\.example\.com\/gitlab/,
      },
    ],
    [
      'credentials in the URL',
      {
        args: [...PRUNE, '--gitlab-url', 'https://oauth2:glpat-inurl0123456789@127.0.0.1:1/'],
        message:
          /--gitlab-url must not contain credentials: remove them and pass the token in REGISTRY_CLEANER_TOKEN/,
      },
    ],
    [
      'credentials in CI_API_V4_URL',
      {
        args: PRUNE,
        env: {
          REGISTRY_CLEANER_GITLAB_URL: undefined,
          CI_API_V4_URL: 'http://gitlab-ci-token:x@127.0.0.1:1/api/v4',
        },
        message: /CI_API_V4_URL must not contain credentials/,
      },
    ],
    [
      'a project page',
      {
        args: [...DELETE_TAG, '--gitlab-url', '{url}/acme/web-app/-/packages'],
        message: /--gitlab-url .*\/-\/packages points inside GitLab, not at its root: give the root URL/,
      },
    ],
    [
      'an API resource',
      {
        args: PRUNE,
        env: { REGISTRY_CLEANER_GITLAB_URL: '{api}/projects' },
        message: /REGISTRY_CLEANER_GITLAB_URL .*\/api\/v4\/projects points inside GitLab/,
      },
    ],
    [
      'the registry API',
      {
        args: [...PRUNE, '--gitlab-url', '{url}/v2/'],
        message: /--gitlab-url .*\/v2\/ points inside GitLab/,
      },
    ],
    [
      'a query string',
      {
        args: [...DELETE_TAG, '--gitlab-url', '{url}?ref=main'],
        message: /--gitlab-url .*\?ref=main must not have a query or fragment/,
      },
    ],
    [
      'a port out of range',
      {
        args: [...DELETE_TAG, '--gitlab-url', 'https://127.0.0.1:99999'],
        message: /--gitlab-url https:\/\/127\.0\.0\.1:99999 is not a URL/,
      },
    ],
  ])('%s', async (_, testCase) => expectRefused(testCase));

  // CI_API_GRAPHQL_URL receives the token like CI_API_V4_URL does: it is checked as strictly, and
  // must be on the same host, or a planted variable could collect the token.
  test.each<[string, Case]>([
    [
      'CI_API_GRAPHQL_URL without a scheme',
      {
        args: PRUNE,
        env: {
          REGISTRY_CLEANER_GITLAB_URL: undefined,
          CI_API_V4_URL: '{api}',
          CI_API_GRAPHQL_URL: 'gitlab.example.com/api/graphql',
        },
        message: /CI_API_GRAPHQL_URL gitlab\.example\.com\/api\/graphql has no scheme/,
      },
    ],
    [
      'CI_API_GRAPHQL_URL on another host',
      {
        args: [...PRUNE, '--retries', '0'],
        env: {
          REGISTRY_CLEANER_GITLAB_URL: undefined,
          CI_API_V4_URL: '{api}',
          CI_API_GRAPHQL_URL: 'http://127.0.0.2:1/api/graphql',
        },
        message: /CI_API_GRAPHQL_URL .* is not on the host of CI_API_V4_URL/,
      },
    ],
  ])('%s', async (_, testCase) => expectRefused(testCase));
});

describe.concurrent('missing CI variables outside CI', () => {
  test.each<[string, Case]>([
    [
      'prune without a URL',
      {
        args: PRUNE,
        env: { REGISTRY_CLEANER_GITLAB_URL: undefined },
        message: /no GitLab URL: outside GitLab CI pass --gitlab-url/,
      },
    ],
    [
      'prune without a token',
      {
        args: PRUNE,
        env: { REGISTRY_CLEANER_TOKEN: undefined },
        message: /no token: .*set REGISTRY_CLEANER_TOKEN to a token with the api scope/,
      },
    ],
    [
      'prune without a project or group',
      {
        args: ['prune', '--older-than', '14d'],
        message: /no project or group: outside GitLab CI pass --project or --group/,
      },
    ],
    [
      'an empty token variable',
      { args: PRUNE, env: { REGISTRY_CLEANER_TOKEN: undefined, GITLAB_TOKEN: '   ' }, message: /no token/ },
    ],
  ])('%s', async (_, testCase) => expectRefused(testCase));
});

describe.concurrent('config files', () => {
  test.each<[string, Case]>([
    [
      'a binary file',
      {
        args: ['prune', '--config', '{dir}/binary.yml'],
        message: /binary\.yml: (not valid YAML or JSON|expected a list of policies)/,
      },
    ],
    [
      'an empty file',
      { args: ['prune', '--config', '{dir}/empty.yml'], message: /empty\.yml: expected a list of policies/ },
    ],
    [
      'policies that are not a list',
      {
        args: ['prune', '--config', '{dir}/not-a-list.yml'],
        message: /not-a-list\.yml: policies must be a list/,
      },
    ],
    [
      'older-than as a number',
      {
        args: ['prune', '--config', '{dir}/older-than-number.yml'],
        message: /older-than-number\.yml: policy "p": older-than must be a duration like 14d, not number 14/,
      },
    ],
    [
      'stale-branches as a string',
      {
        args: ['prune', '--config', '{dir}/stale-string.yml'],
        message: /stale-string\.yml: policy "p": stale-branches must be true or false, not string "yes"/,
      },
    ],
    [
      'projects as a mapping',
      {
        args: ['prune', '--config', '{dir}/projects-mapping.yml'],
        message: /projects-mapping\.yml: policy "p": projects must hold strings or ids, not a mapping/,
      },
    ],
    [
      'keep_latest instead of keep-latest',
      {
        args: ['prune', '--config', '{dir}/underscore-field.yml'],
        message:
          /underscore-field\.yml: policy "p": keep_latest is not a policy field \(fields: .*keep-latest/,
      },
    ],
    [
      'a lookahead in keep',
      {
        args: ['prune', '--config', '{dir}/keep-lookahead.yml'],
        message: /keep-lookahead\.yml: policy "p": keep "\(\?!x\)y" uses a lookahead \(\(\?!…\), which RE2/,
      },
    ],
    [
      'a backreference in match',
      {
        args: ['prune', '--config', '{dir}/match-backreference.yml'],
        message:
          /match-backreference\.yml: policy "p": match "\(feature\)-\\\\1" uses a backreference \(\\1\)/,
      },
    ],
    [
      'JSON with a trailing comma',
      {
        args: ['prune', '--config', '{dir}/trailing-comma.json'],
        message: /trailing-comma\.json: not valid JSON/,
      },
    ],
    [
      'the legacy shape in months',
      {
        args: ['prune', '--config', '{dir}/legacy-months.json'],
        message:
          /legacy-months\.json: policy "web": delete_older_than\.months is not a unit: use days, hours or minutes/,
      },
    ],
    [
      'a YAML alias bomb',
      {
        args: ['prune', '--config', '{dir}/alias-bomb.yml'],
        message: /alias-bomb\.yml: not valid YAML or JSON/,
      },
    ],
    [
      'a directory',
      {
        args: ['prune', '--config', '{dir}/a-directory'],
        message: /--config .*a-directory cannot be read \(EISDIR\): give the path of a YAML or JSON file/,
      },
    ],
    [
      'a file that does not exist, from a variable',
      {
        args: ['prune'],
        env: { REGISTRY_CLEANER_CONFIG: '{dir}/missing.yml' },
        message: /REGISTRY_CLEANER_CONFIG .*missing\.yml cannot be read \(ENOENT\)/,
      },
    ],
  ])('%s', async (_, testCase) => expectRefused(testCase));
});

describe.concurrent('proxy variables and the report file', () => {
  // Proxy variables and the report path are checked with the other options, before any request: a
  // report that cannot be written must stop the run before it deletes, not fail after.
  test.each<[string, Case]>([
    [
      'HTTPS_PROXY without a scheme',
      {
        args: DELETE_TAG,
        env: { HTTPS_PROXY: '127.0.0.1:3128' },
        message: /HTTPS_PROXY 127\.0\.0\.1:3128 .*write it as http:\/\/127\.0\.0\.1:3128/,
      },
    ],
    [
      'http_proxy that is not a URL',
      {
        args: PRUNE,
        env: { http_proxy: 'http://user:s3cret-proxy-pass@proxy:port' },
        message: /http_proxy .*is not a URL/,
      },
    ],
    [
      'delete-tag --report under a file',
      {
        args: [...DELETE_TAG, '--report', '{dir}/a-file/report.json'],
        message: /--report .*a-file\/report\.json cannot be written/,
      },
    ],
    [
      'prune --report under a file',
      {
        args: [...PRUNE, '--report', '{dir}/a-file/report.json'],
        message: /--report .*a-file\/report\.json cannot be written/,
      },
    ],
  ])('%s', async (_, testCase) => expectRefused(testCase));
});
