// The built bundle as a child process: PATH and HOME plus exactly the variables a test gives, a hard
// time limit (a hang fails the test instead of stalling the suite), and the wall-clock time it took.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { baseEnv, type ProcessResult, run } from './process.ts';

export const BUNDLE = fileURLToPath(new URL('../../../dist/registry-cleaner.mjs', import.meta.url));

export interface BundleResult extends ProcessResult {
  /** wall-clock milliseconds from spawn to exit */
  ms: number;
}

export async function runBundle(
  args: readonly string[],
  env: Record<string, string>,
  options: { timeoutMs?: number; cwd?: string } = {},
): Promise<BundleResult> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build (npm test does)`);
  const started = performance.now();
  const result = await run(process.execPath, [BUNDLE, ...args], {
    env: { ...baseEnv(), NO_COLOR: '1', ...env },
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  return { ...result, ms: performance.now() - started };
}

/** stderr as lines, without the empty last one. */
export function stderrLines(result: ProcessResult): string[] {
  return result.stderr.split('\n').filter((line) => line.trim() !== '');
}

/** prune's "alive" line, printed every 5 s on stderr when it is not a terminal */
const PROGRESS = /^prune: \d+\/\d+ repositories, /;

/**
 * The one error line a failed run prints (besides warnings and progress lines); fails loudly when
 * there is not exactly one.
 */
export function oneErrorLine(result: ProcessResult): string {
  const lines = stderrLines(result).filter((line) => !line.startsWith('warning:') && !PROGRESS.test(line));
  if (lines.length !== 1) {
    throw new Error(`expected one line on stderr, got ${lines.length}:\n${result.stderr}`);
  }
  return lines[0] as string;
}
