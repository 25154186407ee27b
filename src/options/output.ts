// How results are shown: format, verbosity, colour, report file.

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
  const file = (name: string) => raw.string(name)?.value;
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
    color: colorWanted(env, isTty),
    ...(Object.fromEntries(Object.entries(files).filter(([, value]) => value)) as Partial<typeof files>),
    gitlabCi: env.GITLAB_CI === 'true',
  };
}

/** NO_COLOR (no-color.org) and FORCE_COLOR win; otherwise a terminal or a CI log (GitLab renders ANSI). */
export function colorWanted(env: Env, isTty: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !['0', 'false', 'no'].includes(force.toLowerCase());
  return isTty || env.CI === 'true' || env.GITLAB_CI === 'true';
}
