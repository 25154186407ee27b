// How results are shown: format, verbosity, colour, report file.

import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import type { Env, RawOptions } from './raw.ts';

export interface OutputOptions {
  format: 'text' | 'json';
  verbose: boolean;
  quiet: boolean;
  /** ANSI colour on stdout/stderr */
  color: boolean;
  /** also write the JSON report here */
  reportFile?: string;
  /** GitLab job artifacts: counts for downstream jobs, links, test results */
  dotenvFile?: string;
  annotationsFile?: string;
  junitFile?: string;
  /** for links in annotations: the job's project page, when running in its CI */
  projectUrl?: string;
  /** inside GitLab CI: collapsible job-log sections */
  gitlabCi: boolean;
}

export function resolveOutput(raw: RawOptions, env: Env, isTty: boolean): OutputOptions {
  const format = raw.string('output')?.value ?? 'text';
  if (format !== 'text' && format !== 'json') {
    throw new UsageError(`${raw.string('output')?.source} ${format} is not a format: use text or json`);
  }
  const verbose = raw.flag('verbose');
  const quiet = raw.flag('quiet');
  if (verbose && quiet) throw new UsageError('--verbose and --quiet contradict each other: choose one');
  const file = (name: string) => {
    const setting = raw.string(name);
    return setting && checkWritable(setting.value, setting.source);
  };
  const files = {
    reportFile: file('report'),
    dotenvFile: file('dotenv'),
    annotationsFile: file('annotations'),
    junitFile: file('junit'),
    projectUrl: env.CI_PROJECT_URL?.trim() || undefined,
  };
  return {
    format,
    verbose,
    quiet,
    color: colorWanted(env, isTty, raw.has('color') ? raw.flag('color') : undefined),
    ...(Object.fromEntries(Object.entries(files).filter(([, value]) => value)) as Partial<typeof files>),
    gitlabCi: env.GITLAB_CI === 'true',
  };
}

/**
 * --color / --no-color (or REGISTRY_CLEANER_COLOR) win, then NO_COLOR (no-color.org) and
 * FORCE_COLOR; otherwise a terminal or a CI log (GitLab renders ANSI).
 */
export function colorWanted(env: Env, isTty: boolean, flag?: boolean): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false', 'no'].includes(force.toLowerCase());
  return isTty || env.CI === 'true' || env.GITLAB_CI === 'true';
}

/**
 * A file we are asked to write must be writable before the first request: found out after the
 * deletions, a bad path would fail a run that did its work (and delete-tag writes at the end).
 * No side effect: the nearest existing directory must accept new files (the writers create the rest).
 */
function checkWritable(path: string, source: string): string {
  const fail = (why: string): never => {
    throw new UsageError(`${source} ${path} cannot be written (${why}): choose a writable path`);
  };
  const target = resolve(path);
  const existing = statOrUndefined(target, source);
  if (existing?.isDirectory()) fail('EISDIR');
  let dir = dirname(target);
  for (;;) {
    const stat = statOrUndefined(dir, source);
    if (stat) {
      if (!stat.isDirectory()) fail('ENOTDIR');
      break;
    }
    if (dirname(dir) === dir) fail('ENOENT');
    dir = dirname(dir);
  }
  try {
    accessSync(existing ? target : dir, constants.W_OK);
  } catch (error) {
    fail((error as { code?: string }).code ?? 'not writable');
  }
  return path;
}

/** @param source the flag or variable that named the file, for messages */
function statOrUndefined(path: string, source: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    // ENOTDIR: a file where a directory should be; the walk up finds it
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new UsageError(
      `${source} ${path} cannot be checked (${code ?? error}): choose a path in directories this user can read and write`,
    );
  }
}
