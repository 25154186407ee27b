// Child processes for end-to-end tests: an explicit environment, output captured and never printed.

import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** The whole environment of the child: nothing is inherited. */
  env: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  /** written to the child's stdin, which is then closed */
  input?: string;
}

/** PATH and HOME of this process, and nothing else: the base of every child's environment. */
export function baseEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };
}

export async function run(
  file: string,
  args: readonly string[],
  options: RunOptions,
): Promise<ProcessResult> {
  const child = spawn(file, [...args], {
    env: options.env,
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.timeoutMs ? { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
  });
  // Closed at once when there is nothing to write: a child that reads stdin gets end of file. A
  // child that exits without reading it makes the write fail with EPIPE: its exit code tells.
  child.stdin.on('error', () => {});
  child.stdin.end(options.input ?? '');
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const startedAt = Date.now();
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      // Say why there is no exit code, so that a failure's message tells a hang from a crash.
      if (signal) stderr += `\n[${file} ended by ${signal} after ${Date.now() - startedAt} ms]\n`;
      resolve(exitCode ?? -1);
    });
  });
  return { code, stdout, stderr };
}

/** The result, or an error that shows what the command printed (the end of it, where failures are). */
export function mustSucceed(what: string, result: ProcessResult): ProcessResult {
  if (result.code === 0) return result;
  const tail = (text: string) => text.trimEnd().split('\n').slice(-40).join('\n');
  throw new Error(
    `${what} exited ${result.code}\n--- stdout (end) ---\n${tail(result.stdout)}\n--- stderr (end) ---\n${tail(result.stderr)}`,
  );
}
