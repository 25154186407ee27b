// Runs a Node script as a child process with exactly the environment given (PATH, the image's
// NODE_OPTIONS and the caller's variables, never the ambient CI_* or proxy settings),
// asynchronously: the sandbox serves from this process's event loop, so a synchronous spawn would
// deadlock.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BUNDLE = fileURLToPath(new URL('../../dist/registry-cleaner.mjs', import.meta.url));
/**
 * NODE_OPTIONS as the image sets it (its Dockerfile's ENV line): every child runs with it, so the
 * figures are those of the image. Empty when the Dockerfile sets none.
 */
export const IMAGE_NODE_OPTIONS =
  /^ENV NODE_OPTIONS="?([^"\n]*)"?$/m.exec(
    readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8'),
  )?.[1] ?? '';
let bundlePath = BUNDLE;
const RSS_PROBE = pathToFileURL(fileURLToPath(new URL('./rss-probe.mjs', import.meta.url))).href;

export interface ChildRun {
  code: number;
  signal: string | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** peak resident set of the child in bytes (its own VmHWM at exit); undefined if not measured */
  peakRssBytes: number | undefined;
}

export interface ChildOptions {
  /** preload the RSS probe (adds a few ms of start-up; off for cold-start timing) */
  measureRss?: boolean;
  /** kill the child after this long (it then reports signal SIGKILL) */
  timeoutMs?: number;
}

export async function runNode(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  options: ChildOptions = {},
): Promise<ChildRun> {
  const preload = options.measureRss ? ['--import', RSS_PROBE] : [];
  const started = performance.now();
  const child = spawn(process.execPath, [...preload, script, ...args], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...(IMAGE_NODE_OPTIONS ? { NODE_OPTIONS: IMAGE_NODE_OPTIONS } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe', options.measureRss ? 'pipe' : 'ignore'],
  });
  const [, out, err, side] = child.stdio as (NodeJS.ReadableStream | null)[];
  const stdout = collect(out!);
  const stderr = collect(err!);
  const rss = side ? collect(side) : Promise.resolve('');
  const killer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
  const [code, signal] = await new Promise<[number, string | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode, exitSignal) => resolve([exitCode ?? -1, exitSignal]));
  });
  const wallMs = performance.now() - started;
  clearTimeout(killer);
  const kib = Number.parseInt(await rss, 10);
  return {
    code,
    signal,
    stdout: await stdout,
    stderr: await stderr,
    wallMs,
    peakRssBytes: Number.isFinite(kib) ? kib * 1024 : undefined,
  };
}

/** The bundle, as a user runs it. */
export function runBundle(
  args: readonly string[],
  env: Record<string, string>,
  options: ChildOptions = {},
): Promise<ChildRun> {
  return runNode(bundlePath, args, env, options);
}

/**
 * Runs a private copy of dist/registry-cleaner.mjs from now on (it needs no node_modules), so that
 * a rebuild in the working tree during a long run cannot mix two versions in one set of figures.
 */
export function pinBundle(): { sha256: string; bytes: number } {
  const content = readFileSync(BUNDLE);
  const directory = mkdtempSync(join(tmpdir(), 'registry-cleaner-bench-'));
  bundlePath = join(directory, 'registry-cleaner.mjs');
  copyFileSync(BUNDLE, bundlePath);
  process.on('exit', () => rmSync(directory, { recursive: true, force: true }));
  return { sha256: createHash('sha256').update(content).digest('hex'), bytes: content.length };
}

export function currentBundle(): string {
  return bundlePath;
}

function collect(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve, reject) => {
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}
