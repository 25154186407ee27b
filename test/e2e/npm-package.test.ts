// The npm package as users get it: `npm pack` of this tree, installed from the tarball into an empty
// prefix with no registry at hand (--offline, empty cache: a dependency to fetch would fail the
// install), then its `registry-cleaner` command, found through the prefix's bin directory as a
// shell finds it, run on Node 24 and on Node 26 (the 'node' and 'node26' devDependencies).

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { closedPort } from './support/closed-port.ts';
import { baseEnv, mustSucceed, type ProcessResult, run } from './support/process.ts';
import { temporaryDirectory } from './support/temporary.ts';

const PROJECT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE = JSON.parse(readFileSync(join(PROJECT_DIR, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
};
const NODES = {
  24: join(PROJECT_DIR, 'node_modules/node/bin'),
  26: join(PROJECT_DIR, 'node_modules/node26/bin'),
};

/** npm with a cache of its own and nothing to say about funding, audits or updates. */
function npmEnv(cache: string): Record<string, string> {
  return {
    ...baseEnv(),
    npm_config_cache: cache,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

const work = { prefix: '', packed: [] as string[] };

beforeAll(async () => {
  const dir = temporaryDirectory('registry-cleaner-npm-');
  const env = npmEnv(join(dir, 'cache'));
  const pack = mustSucceed(
    'npm pack',
    await run('npm', ['pack', '--json', '--pack-destination', dir], {
      env,
      cwd: PROJECT_DIR,
      timeoutMs: 60_000,
    }),
  );
  const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  work.packed = packed!.files.map((file) => file.path).sort();
  work.prefix = join(dir, 'prefix');
  mustSucceed(
    'npm install --global --offline <tarball>',
    await run(
      'npm',
      ['install', '--global', '--offline', '--prefix', work.prefix, join(dir, packed!.filename)],
      {
        env,
        timeoutMs: 60_000,
      },
    ),
  );
}, 150_000);

/** `registry-cleaner …` with only the given Node on PATH (besides the system's directories). */
function registryCleaner(
  node: keyof typeof NODES,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ProcessResult> {
  return run(join(work.prefix, 'bin', 'registry-cleaner'), args, {
    env: { PATH: `${NODES[node]}:/usr/bin:/bin`, HOME: work.prefix, NO_COLOR: '1', ...env },
    cwd: work.prefix,
    timeoutMs: 30_000,
  });
}

describe('the npm package', () => {
  test('holds the bundle, the components, README, LICENSE and package.json, and nothing else', () => {
    const templates = readdirSync(join(PROJECT_DIR, 'templates')).map((name) => `templates/${name}`);
    expect(work.packed).toEqual(
      ['LICENSE', 'README.md', 'dist/registry-cleaner.mjs', 'package.json', ...templates].sort(),
    );
  });

  test('declares no dependency a user would install, and installed none', () => {
    const installed = join(work.prefix, 'lib', 'node_modules', 'registry-cleaner');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies'])
      expect(manifest[field], field).toBeUndefined();
    expect(readdirSync(installed).sort()).toEqual([
      'LICENSE',
      'README.md',
      'dist',
      'package.json',
      'templates',
    ]);
    expect(readdirSync(join(work.prefix, 'lib', 'node_modules'))).toEqual(['registry-cleaner']);
  });

  describe.each([24, 26] as const)('on Node %i', (node) => {
    test('the node on PATH is that Node', async () => {
      const version = mustSucceed(
        'node --version',
        await run(join(NODES[node], 'node'), ['--version'], { env: baseEnv() }),
      );
      expect(version.stdout.trim()).toMatch(new RegExp(`^v${node}\\.`));
    });

    test('registry-cleaner --version prints the package version', async () => {
      const result = mustSucceed('registry-cleaner --version', await registryCleaner(node, ['--version']));
      expect(result.stdout.trim()).toBe(PACKAGE.version);
    });

    test('the command line, the HTTP client and the YAML parser load from the bundle alone', async () => {
      const help = mustSucceed('delete-tag --help', await registryCleaner(node, ['delete-tag', '--help']));
      expect(help.stdout).toContain('registry-cleaner delete-tag');

      // undici: a connection refused is reported as GitLab being unreachable, exit 1
      const port = await closedPort();
      const unreachable = await registryCleaner(
        node,
        [
          'delete-tag',
          ...['--gitlab-url', `http://127.0.0.1:${port}`, '--project', '1', '--tag', 'x', '--retries', '0'],
        ],
        { REGISTRY_CLEANER_TOKEN: 'token' },
      );
      expect(unreachable.stderr).toContain(`cannot reach GitLab at http://127.0.0.1:${port}: ECONNREFUSED`);
      expect(unreachable.code).toBe(1);

      // yaml: a policy file is parsed and its mistake named, exit 2 before any request
      const config = join(work.prefix, 'registry-cleaner.yml');
      writeFileSync(config, 'policies:\n  - name: nightly\n    projects: [a/b]\n    keep-latest: five\n');
      const invalid = await registryCleaner(
        node,
        ['prune', ...['--config', config, '--gitlab-url', `http://127.0.0.1:${port}`]],
        { REGISTRY_CLEANER_TOKEN: 'token' },
      );
      expect(invalid.stderr).toContain('policy "nightly": keep-latest must be a number, not string "five"');
      expect(invalid.code).toBe(2);
    });
  });
});
