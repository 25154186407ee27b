// A throwaway clone of "Acme/Web-App" holding a copy of templates/, and gitlab-ci-local run in it:
// GitLab's CI schema, spec:inputs, and jobs played in a local shell with the bundle on PATH.

import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { BUNDLE } from '../cli.ts';
import { baseEnv, mustSucceed, type ProcessResult, run } from './process.ts';

const PROJECT_URL = new URL('../../../', import.meta.url);
const TEMPLATES = fileURLToPath(new URL('templates', PROJECT_URL));
const GITLAB_CI_LOCAL = fileURLToPath(new URL('node_modules/.bin/gitlab-ci-local', PROJECT_URL));
export const REMOTE = 'https://gitlab.example.com/Acme/Web-App.git';
export const STATE_DIR = '.gitlab-ci-local';

export interface Checkout {
  dir: string;
  /** HEAD: the ref under which gitlab-ci-local reads a component from the working tree */
  sha: string;
  /** the whole environment of git and gitlab-ci-local */
  env: Record<string, string>;
}

/**
 * A clone of Acme/Web-App whose one commit holds a copy of templates/ (and `files`), with a
 * temporary HOME and a bin directory where `registry-cleaner` is the freshly built bundle.
 * `.gitlab-ci.yml` stays uncommitted, so that HEAD is the commit that the component form pins.
 */
export async function checkoutWithTemplates(
  cleanups: (() => void)[],
  options: { branch: string; files?: Record<string, string>; remote?: string },
): Promise<Checkout> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build (npm test does)`);
  const temp = mkdtempSync(join(tmpdir(), 'registry-cleaner-component-'));
  cleanups.push(() => rmSync(temp, { recursive: true, force: true }));
  const dir = join(temp, 'web-app');
  const home = join(temp, 'home');
  const bin = join(temp, 'bin');
  for (const path of [dir, home, bin]) mkdirSync(path);
  writeFileSync(join(bin, 'registry-cleaner'), `#!/bin/sh\nexec '${process.execPath}' '${BUNDLE}' "$@"\n`);
  chmodSync(join(bin, 'registry-cleaner'), 0o755);
  cpSync(TEMPLATES, join(dir, 'templates'), { recursive: true });
  for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), content);
  // A temporary HOME: no global git config, no ~/.gitlab-ci-local/variables.yml of the machine's.
  // GIT_ALLOW_PROTOCOL=file: should gitlab-ci-local take the component for a remote one, its
  // `git clone https://gitlab.example.com/…` fails at once instead of going to the network.
  const env = { ...baseEnv(), PATH: `${bin}:${baseEnv().PATH}`, HOME: home, GIT_ALLOW_PROTOCOL: 'file' };
  const git = async (...args: string[]) =>
    mustSucceed(`git ${args.join(' ')}`, await run('git', args, { cwd: dir, env })).stdout.trim();
  await git('init', '--quiet', '--initial-branch', options.branch);
  await git('config', 'user.name', 'Dev');
  await git('config', 'user.email', 'dev@example.com');
  await git('remote', 'add', 'origin', options.remote ?? REMOTE);
  // gitlab-ci-local asks for the remote's default branch; a symbolic ref answers without a fetch.
  await git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
  await git('add', '.');
  await git('commit', '--quiet', '--message', 'Add the components');
  return { dir, sha: await git('rev-parse', 'HEAD'), env };
}

export async function gitlabCiLocal(repo: Checkout, args: readonly string[]): Promise<ProcessResult> {
  // Node 24: gitlab-ci-local needs ≥ 22, and the PATH's node may be older.
  const result = await run(
    process.execPath,
    [GITLAB_CI_LOCAL, '--state-dir', STATE_DIR, '--no-color', ...args],
    {
      cwd: repo.dir,
      env: repo.env,
      timeoutMs: 50_000,
    },
  );
  return { ...result, stdout: stripVTControlCharacters(result.stdout) };
}

/** Runs one job in a local shell with CI variables set; throws with the output unless it passed. */
export async function playJob(
  repo: Checkout,
  job: string,
  variables: Record<string, string>,
): Promise<string> {
  const { passed, output, code } = await runJob(repo, job, variables);
  if (!passed) throw new Error(`job ${job} did not pass (exit ${code}):\n${output}`);
  return output;
}

/**
 * Runs one job in a local shell with CI variables set, in a copy of the checkout of its own (made
 * with rsync), as a runner gives every job a clean directory: files of an earlier job are not
 * there unless they are its artifacts. A job with allow_failure that fails is a warning, and
 * gitlab-ci-local still exits 0: `passed` says whether the job itself passed.
 */
export async function runJob(
  repo: Checkout,
  job: string,
  variables: Record<string, string>,
): Promise<{ passed: boolean; output: string; code: number }> {
  const result = await gitlabCiLocal(repo, [
    job,
    '--force-shell-executor',
    '--shell-isolation',
    '--ignore-predefined-vars',
    Object.keys(variables).join(','),
    ...Object.entries(variables).flatMap(([name, value]) => ['--variable', `${name}=${value}`]),
  ]);
  const output = `${result.stdout}\n${result.stderr}`;
  const escaped = job.replace(/[[\]/.*+?^${}()|\\]/g, '\\$&');
  const passed = result.code === 0 && new RegExp(`PASS\\s+${escaped}`).test(output);
  return { passed, output, code: result.code };
}

export interface ResolvedJob {
  script: string[];
  variables: Record<string, string>;
}

/** A job as gitlab-ci-local resolves it (includes, inputs, extends), schema-checked on the way. */
export async function resolvedJob(repo: Checkout, name: string): Promise<ResolvedJob> {
  const { parse } = await import('yaml');
  const preview = parse(
    mustSucceed('gitlab-ci-local --preview', await gitlabCiLocal(repo, ['--preview'])).stdout,
  ) as Record<
    string,
    { script?: string[]; variables?: Record<string, string | number | boolean> } | undefined
  >;
  const job = preview[name];
  if (!job?.script) throw new Error(`gitlab-ci-local resolved no job ${name}`);
  const variables = Object.fromEntries(
    Object.entries(job.variables ?? {}).map(([key, value]) => [key, String(value)]),
  );
  return { script: job.script, variables };
}

/** $NAME and ${NAME} in job variables are expanded by GitLab before the job starts. */
export function expandVariables(
  values: Record<string, string>,
  ci: Record<string, string>,
): Record<string, string> {
  const expand = (text: string) =>
    text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => ci[name] ?? '');
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, expand(value)]));
}
