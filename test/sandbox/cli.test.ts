import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '' },
    timeout: 20_000,
  });

describe('npm run sandbox', () => {
  it('prints usage for --help and exits 0', () => {
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run sandbox -- \[options\]/);
    expect(result.stdout).toContain('--gitlab <version>');
    expect(result.stderr).toBe('');
  });

  it('refuses an unknown option or version with the usage and exit 2, without a stack trace', () => {
    for (const args of [['--nope'], ['--gitlab', '15.0']]) {
      const result = run(...args);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('Usage: npm run sandbox');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
