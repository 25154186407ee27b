// npm run bench's flags: which cases, and the sandbox's conditions.

import { parseArgs } from 'node:util';
import { ALL_CASES, DEFAULT_CASES, QUICK_CASES } from './cases.ts';
import type { ServerConditions } from './world.ts';

/** GitLab.com's authenticated API limit: 2,000 requests per minute per user. */
const GITLAB_COM_RATE_LIMIT = { requests: 2000, periodSeconds: 60 };
const SERVER_CONCURRENCY = 16;

export const USAGE = [
  'npm run bench -- [--quick | --full] [--cases <list>] [--latency <ms>] [--no-rate-limit]',
  `  cases:   ${ALL_CASES.join(', ')}`,
  `  default: ${DEFAULT_CASES.join(', ')}`,
  `  --quick: ${QUICK_CASES.join(', ')}`,
  '  --full:  all of them (job-100k takes over an hour under the rate limit)',
].join('\n');

export interface BenchOptions {
  help: boolean;
  cases: string[];
  conditions: ServerConditions;
}

export function parseBenchOptions(args: string[]): BenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      cases: { type: 'string' },
      latency: { type: 'string', default: '20' },
      'rate-limit': { type: 'boolean', default: true },
      help: { type: 'boolean', default: false },
    },
    allowNegative: true,
  });
  let cases = values.full ? ALL_CASES : values.quick ? QUICK_CASES : DEFAULT_CASES;
  if (values.cases) cases = values.cases.split(',').map((name) => name.trim());
  const unknown = cases.filter((name) => !ALL_CASES.includes(name));
  if (unknown.length > 0) throw new Error(`unknown case(s) ${unknown.join(', ')}\n${USAGE}`);
  const latencyMs = Number(values.latency);
  if (!Number.isFinite(latencyMs) || latencyMs < 0)
    throw new Error(`--latency ${values.latency}: milliseconds ≥ 0`);
  return {
    help: values.help,
    cases,
    conditions: {
      latencyMs,
      maxConcurrency: SERVER_CONCURRENCY,
      rateLimit: values['rate-limit'] ? GITLAB_COM_RATE_LIMIT : undefined,
    },
  };
}

export function describeConditions(conditions: ServerConditions): string {
  const limit = conditions.rateLimit
    ? `${conditions.rateLimit.requests} requests/${conditions.rateLimit.periodSeconds} s per user`
    : 'no rate limit';
  return `${conditions.latencyMs} ms latency, ${conditions.maxConcurrency} requests at once, ${limit}`;
}
