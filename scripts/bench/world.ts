// A fresh sandbox GitLab holding a seeded retention scenario (test/scenarios/retention.ts), on a
// loopback port, with the server-side conditions of a case: latency, a concurrency cap, a rate
// limit, faults.

import {
  type Interceptor,
  type Sandbox,
  type SandboxOptions,
  SandboxState,
  startSandbox,
} from '../../test/sandbox/index.ts';
import { DAY_MS, type RetentionWorld, seedRetentionWorld } from '../../test/scenarios/retention.ts';

export interface ServerConditions {
  latencyMs: number;
  maxConcurrency: number;
  /** GitLab.com-like per-user throttle; undefined for none */
  rateLimit: { requests: number; periodSeconds: number } | undefined;
}

export interface WorldShape {
  tags: number;
  repositories: number;
  /** ages are spread uniformly over this many days */
  days: number;
  seed: number;
}

export interface BenchWorld {
  sandbox: Sandbox;
  world: RetentionWorld;
  /** the one project every repository belongs to */
  project: RetentionWorld['projects'][number];
}

export async function startWorld(
  shape: WorldShape,
  conditions: ServerConditions,
  interceptor?: Interceptor,
  /** the GitLab it is (version, registry kind), and whether the registry listens on a port of its own */
  profile: Pick<SandboxOptions, 'gitlab' | 'registry' | 'registryListener'> = {},
): Promise<BenchWorld> {
  const state = new SandboxState();
  const world = seedRetentionWorld(state, { projects: 1, ...shape });
  const options: SandboxOptions = {
    state,
    host: '127.0.0.1',
    latencyMs: conditions.latencyMs,
    maxConcurrency: conditions.maxConcurrency,
    ...(conditions.rateLimit ? { rateLimit: conditions.rateLimit } : {}),
    ...profile,
  };
  const sandbox = await startSandbox(options);
  if (interceptor) sandbox.intercept(interceptor);
  return { sandbox, world, project: world.projects[0]! };
}

/** Every tag as "repositoryId:name". */
export function snapshot(sandbox: Sandbox): Set<string> {
  const all = new Set<string>();
  for (const repository of sandbox.state.repositories()) {
    for (const tag of sandbox.state.tags(repository)) all.add(`${repository.id}:${tag.name}`);
  }
  return all;
}

export interface ScenarioFacts {
  tags: number;
  /** share of tags pushed more than `days` ago */
  olderFraction: number;
  /** tags whose name was pushed twice (createdAt ≠ publishedAt); 0 in this scenario */
  rePushed: number;
}

export function scenarioFacts(sandbox: Sandbox, olderThanDays: number, now: number): ScenarioFacts {
  let tags = 0;
  let older = 0;
  let rePushed = 0;
  for (const repository of sandbox.state.repositories()) {
    for (const tag of sandbox.state.tags(repository)) {
      tags++;
      if (tag.publishedAt.getTime() < now - olderThanDays * DAY_MS) older++;
      if (tag.createdAt.getTime() !== tag.publishedAt.getTime()) rePushed++;
    }
  }
  return { tags, olderFraction: tags === 0 ? 0 : older / tags, rePushed };
}

export function difference<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): Set<T> {
  return new Set([...a].filter((item) => !b.has(item)));
}

export function sameSet<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  return a.size === b.size && [...a].every((item) => b.has(item));
}
