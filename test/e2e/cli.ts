// Runs the real bundle as a child process with exactly the environment a test gives it.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ProcessResult, run } from './support/process.ts';

export const BUNDLE = fileURLToPath(new URL('../../dist/registry-cleaner.mjs', import.meta.url));

export type CliResult = ProcessResult;

export async function runCli(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build (npm test does)`);
  // Only PATH and the test's variables: never the ambient CI_*.
  return run(process.execPath, [BUNDLE, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
  });
}
