// Invariants under faults, for delete-tag and prune, through the real bundle:
//   (a) no tag outside the plan is ever deleted, whatever the faults (the plan is the dry run of a
//       fault-free twin of the same world);
//   (b) once the faults clear, a re-run converges to the final state of a fault-free run;
//   (c) every planned tag ends deleted, absent, protected or failed; failures carry a reason and
//       exit 1; what the report calls deleted or absent is gone;
//   (d) retries are bounded in number and time, and an unreachable GitLab ends the run in one line.
// Runs use --timeout 1s. The CLI's backoff after a fault starts at 250 ms (half of it jittered), four
// times longer each time, and has no flag: scenarios are small and run concurrently.

import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import { RandomFaultSource } from '../sandbox/faults.ts';
import {
  type DeleteGeneration,
  type Fault,
  type InterceptedRequest,
  type Sandbox,
  type SandboxState,
  startSandbox,
} from '../sandbox/index.ts';
import { type BundleResult, oneErrorLine, runBundle } from './support/bundle.ts';
import {
  buildWorld,
  difference,
  type GitLabUrls,
  PROJECT_PATH,
  type SmallWorld,
  snapshot,
  type WorldShape,
} from './support/small-world.ts';

type OnFinished = (cleanup: () => unknown) => void;

async function withCleanup<T>(body: (onFinished: OnFinished) => Promise<T>): Promise<T> {
  const cleanups: (() => unknown)[] = [];
  try {
    return await body((cleanup) => cleanups.push(cleanup));
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

interface Scenario {
  name: string;
  command: 'delete-tag' | 'prune';
  shape: WorldShape;
  args: string[];
  env(world: SmallWorld, gitlab: GitLabUrls & Partial<Pick<Sandbox, 'registryUrl'>>): Record<string, string>;
  /** serve the container registry on a listener of its own (its API and deletes) */
  registryListener?: boolean;
}

const SCENARIOS = {
  /** a personal token: GraphQL reads (28 tags per repository: more than one 20-tag page) and batched deletes */
  pruneGraphql: {
    name: 'prune with a personal token (GraphQL)',
    command: 'prune',
    shape: { repositories: ['', 'api'], builds: 25 },
    args: ['prune', '--project', PROJECT_PATH, '--older-than', '2d', '--keep-latest', '3', '--keep', 'v.*'],
    env: (world, gitlab) => world.patEnv(gitlab),
  },
  /**
   * a job token: REST names, one details request per tag, one DELETE per tag; its times are first
   * pushes (created_at), which this world never re-pushes, so they are accepted
   */
  pruneRest: {
    name: 'prune with a job token (REST)',
    command: 'prune',
    shape: { repositories: ['', 'api'], builds: 5 },
    args: [
      'prune',
      '--older-than',
      '2d',
      '--keep-latest',
      '2',
      '--keep',
      'v.*',
      '--accept-ages',
      'first-push',
    ],
    env: (world, gitlab) => world.jobEnv(gitlab),
  },
  /**
   * a job token through the registry's own API: tag pages with last pushes, one DELETE per tag to
   * the registry. Faults may make the run fall back to REST (a discovery that never answers), whose
   * times are first pushes: accepted, as this world never re-pushes, so the plan is the same.
   */
  pruneRegistry: {
    name: 'prune with a job token (registry API)',
    command: 'prune',
    shape: { repositories: ['', 'api'], builds: 5 },
    args: [
      'prune',
      '--older-than',
      '2d',
      '--keep-latest',
      '2',
      '--keep',
      'v.*',
      '--accept-ages',
      'first-push',
    ],
    env: (world, gitlab) => ({
      ...world.jobEnv(gitlab),
      REGISTRY_CLEANER_REGISTRY_URL: gitlab.registryUrl as string,
    }),
    registryListener: true,
  },
  /** the stop job, asked for three tags that exist and one that does not, in every repository */
  deleteTag: {
    name: 'delete-tag with a job token',
    command: 'delete-tag',
    shape: { repositories: ['', 'api', 'worker'], builds: 4 },
    args: [
      'delete-tag',
      '--all-repositories',
      '--tag',
      'build-001',
      '--tag',
      'build-003',
      '--tag',
      'feature-login',
      '--tag',
      'nope',
    ],
    env: (world, gitlab) => world.jobEnv(gitlab),
  },
} satisfies Record<string, Scenario>;

// ---- reports ------------------------------------------------------------------------------------

interface PruneReport {
  exitCode: number;
  error?: string;
  repositories: {
    repository: { path: string };
    error?: string;
    tags: { name: string; action: 'keep' | 'delete'; outcome?: string; reason?: string }[];
  }[];
}
interface DeleteTagReport {
  exitCode: number;
  error?: string;
  results: { repository: string; tag: string; outcome: string; reason?: string }[];
}

function parseReport(result: BundleResult): PruneReport | DeleteTagReport {
  try {
    return JSON.parse(result.stdout);
  } catch {
    throw new Error(`no JSON report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** 'path:tag' of every tag the report says it deletes (prune) or would delete (delete-tag). */
function plannedIn(scenario: Scenario, report: PruneReport | DeleteTagReport): Set<string> {
  if (scenario.command === 'prune') {
    return new Set(
      (report as PruneReport).repositories.flatMap((entry) =>
        entry.tags.filter((t) => t.action === 'delete').map((t) => `${entry.repository.path}:${t.name}`),
      ),
    );
  }
  return new Set(
    (report as DeleteTagReport).results
      .filter((r) => r.outcome === 'planned')
      .map((r) => `${r.repository}:${r.tag}`),
  );
}

// ---- the fault-free twin: its plan and its final state, once per scenario -------------------------

interface Reference {
  plan: Set<string>;
  final: Set<string>;
}
const references = new Map<string, Promise<Reference>>();

function reference(scenario: Scenario): Promise<Reference> {
  let cached = references.get(scenario.name);
  if (!cached) {
    cached = withCleanup(async (onFinished) => {
      const listener = scenario.registryListener ? { registryListener: true } : {};
      const planWorld = await serve(onFinished, buildWorld(scenario.shape), listener);
      const dry = await runBundle(
        [...scenario.args, '--dry-run', '--output', 'json'],
        scenario.env(planWorld.world, planWorld.sandbox),
      );
      expect(dry.code, dry.stderr).toBe(0);
      const plan = plannedIn(scenario, parseReport(dry));
      expect(plan.size).toBeGreaterThan(3);
      const realWorld = await serve(onFinished, buildWorld(scenario.shape), listener);
      const real = await runBundle(scenario.args, scenario.env(realWorld.world, realWorld.sandbox));
      expect(real.code, real.stderr).toBe(0);
      const final = snapshot(realWorld.world.state);
      // the fault-free run deletes exactly its plan
      expect(difference(snapshot(buildWorld(scenario.shape).state), final)).toEqual(plan);
      return { plan, final };
    });
    references.set(scenario.name, cached);
  }
  return cached;
}

async function serve(
  onFinished: OnFinished,
  world: SmallWorld,
  options: Parameters<typeof startSandbox>[0] = {},
): Promise<{ world: SmallWorld; sandbox: Sandbox }> {
  const sandbox = await startSandbox({ state: world.state, prefix: '/gitlab', ...options });
  onFinished(() => sandbox.close());
  return { world, sandbox };
}

// ---- the invariants -------------------------------------------------------------------------------

interface FaultyRun {
  scenario: Scenario;
  result: BundleResult;
  before: Set<string>;
  state: SandboxState;
  /** tags someone else deleted or pushed during the run ('path:tag') */
  othersDeleted?: Set<string>;
  othersAdded?: Set<string>;
}

/** (a) and (c); returns the tags the run itself deleted. */
function expectInvariants(run: FaultyRun, plan: Set<string>): Set<string> {
  const { scenario, result, before, state } = run;
  const after = snapshot(state);
  const deletedByUs = difference(difference(before, after), run.othersDeleted ?? new Set());
  // (a) nothing outside the plan
  expect(difference(deletedByUs, plan), 'deleted outside the plan').toEqual(new Set());
  for (const added of run.othersAdded ?? []) expect(after.has(added), `${added} pushed meanwhile`).toBe(true);

  // (c) every planned tag has an outcome; failures have reasons and exit 1; the report is truthful
  const report = parseReport(result);
  expect(report.exitCode).toBe(result.code);
  const outcomes = new Map<string, { outcome?: string; reason?: string }>();
  const unread = new Set<string>();
  if (scenario.command === 'prune') {
    for (const entry of (report as PruneReport).repositories) {
      if (entry.error) unread.add(entry.repository.path);
      for (const tag of entry.tags) outcomes.set(`${entry.repository.path}:${tag.name}`, tag);
    }
  } else {
    for (const r of (report as DeleteTagReport).results) outcomes.set(`${r.repository}:${r.tag}`, r);
  }
  let failures = Boolean(report.error) || unread.size > 0;
  for (const name of plan) {
    if (run.othersDeleted?.has(name)) continue;
    const entry = outcomes.get(name);
    const repository = name.slice(0, name.lastIndexOf(':'));
    if (!entry) {
      // not reached: the repository could not be read, or the run stopped before it (report.error)
      expect(unread.has(repository) || Boolean(report.error), `${name} has no outcome`).toBe(true);
      continue;
    }
    expect(['deleted', 'absent', 'protected', 'failed'], `${name}: ${JSON.stringify(entry)}`).toContain(
      entry.outcome,
    );
    if (entry.outcome === 'failed') {
      failures = true;
      expect(entry.reason, `${name} failed without a reason`).toMatch(/\S/);
    }
    if (entry.outcome === 'deleted' || entry.outcome === 'absent') {
      expect(after.has(name), `${name} is reported ${entry.outcome} but still exists`).toBe(false);
    }
  }
  expect(result.code, result.stderr).toBe(failures ? 1 : 0);
  return deletedByUs;
}

/** (b): the faults are gone (a fault-free sandbox on the same state); a re-run reaches the reference. */
async function expectConvergence(onFinished: OnFinished, world: SmallWorld, scenario: Scenario) {
  const { sandbox } = await serve(
    onFinished,
    world,
    scenario.registryListener ? { registryListener: true } : {},
  );
  const rerun = await runBundle([...scenario.args, '--output', 'json'], scenario.env(world, sandbox));
  expect(rerun.code, rerun.stderr).toBe(0);
  expect(snapshot(world.state)).toEqual((await reference(scenario)).final);
}

async function faultyRun(
  scenario: Scenario,
  options: Parameters<typeof startSandbox>[0],
  interceptor?: (request: InterceptedRequest, state: SandboxState, world: SmallWorld) => Fault | undefined,
  extraArgs: string[] = [],
) {
  return withCleanup(async (onFinished) => {
    const world = buildWorld(scenario.shape);
    const before = snapshot(world.state);
    const listener = scenario.registryListener ? { registryListener: true } : {};
    const { sandbox } = await serve(onFinished, world, { ...listener, ...options });
    if (interceptor) sandbox.intercept((request, state) => interceptor(request, state, world));
    const result = await runBundle(
      [...scenario.args, '--output', 'json', '--timeout', '1s', ...extraArgs],
      scenario.env(world, sandbox),
    );
    return { world, before, result, sandbox };
  });
}

/** An interceptor that answers with `fault` the first time `match` holds, then never again. */
function once(match: (request: InterceptedRequest) => boolean, fault: Fault) {
  let done = false;
  return (request: InterceptedRequest): Fault | undefined => {
    if (done || !match(request)) return undefined;
    done = true;
    return fault;
  };
}

const isDestroyMutation = (r: InterceptedRequest) =>
  r.operation === 'graphql' && (r.body ?? '').includes('destroyContainerRepositoryTags');
const isDelete = (r: InterceptedRequest) => r.operation === 'deleteTag';

// ---- (a)–(c) under random faults -------------------------------------------------------------------

/** The sandbox's seeded random faults: its default kinds, on 20% of requests. */
function randomFaults(seed: number) {
  const source = new RandomFaultSource({ seed, rate: 0.2 });
  return (request: InterceptedRequest): Fault | undefined => source.next(request.operation);
}

describe.concurrent('random faults (seeded): (a) nothing outside the plan, (b) convergence, (c) outcomes', () => {
  const cases = Object.values(SCENARIOS).flatMap((scenario) =>
    [11, 23, 47].map((seed) => [scenario.name, seed, scenario] as const),
  );
  test.each(cases)('%s, seed %i', async (_, seed, scenario) => {
    const { plan } = await reference(scenario);
    const run = await faultyRun(scenario, {}, randomFaults(seed));
    expect(run.sandbox.requests.some((r) => r.fault)).toBe(true);
    // Faults reach the registry too, and its listings and deletes carry on through them.
    if (scenario === SCENARIOS.pruneRegistry) {
      expect(run.sandbox.requests.some((r) => r.listener === 'registry' && r.fault)).toBe(true);
      expect(
        run.sandbox.requests.some((r) => r.operation === 'registryDeleteManifest' && r.status === 202),
      ).toBe(true);
    }
    expectInvariants({ scenario, ...run, state: run.world.state }, plan);
    await withCleanup((onFinished) => expectConvergence(onFinished, run.world, scenario));
  });
});

describe.concurrent('answers that are not what they seem', () => {
  // A 200 whose body is not JSON is a proxy's or a portal's page: the DELETE may never have reached
  // GitLab. Reporting it as a deletion would leave the tag behind under a green stop job.
  test('delete-tag: a 200 with a non-JSON body on a DELETE is not reported as a deletion', async () => {
    const scenario = SCENARIOS.deleteTag;
    const { plan, final } = await reference(scenario);
    const run = await faultyRun(
      scenario,
      {},
      once((r) => isDelete(r) && r.path.endsWith('/repositories/1/tags/build-001'), { kind: 'invalidJson' }),
    );
    expect(run.sandbox.requests.filter((r) => r.fault === 'invalidJson')).toHaveLength(1);
    expectInvariants({ scenario, ...run, state: run.world.state }, plan);
    expect(snapshot(run.world.state)).toEqual(final);
  });

  // GitLab answers 500 for passing registry errors: one is retried and changes nothing.
  test.each([
    ['the tag listing', (r: InterceptedRequest) => r.operation === 'graphql' && !isDestroyMutation(r)],
    ['the batched deletion', isDestroyMutation],
  ] as const)(
    'prune (GraphQL): a single 500 on %s is retried, and the run ends as without it',
    async (_, match) => {
      const scenario = SCENARIOS.pruneGraphql;
      const { plan, final } = await reference(scenario);
      const run = await faultyRun(scenario, {}, once(match, { kind: 'status', status: 500 }));
      expect(run.sandbox.requests.filter((r) => r.status === 500)).toHaveLength(1);
      expectInvariants({ scenario, ...run, state: run.world.state }, plan);
      expect(run.result.code).toBe(0);
      expect(snapshot(run.world.state)).toEqual(final);
    },
  );

  // A repository GitLab keeps failing to list is an error of the run (exit 1), or the job would
  // go green with its tags still there; its tags are left alone.
  test("prune (GraphQL): a 500 that persists on one repository's listing fails the run and leaves its tags", async () => {
    const scenario = SCENARIOS.pruneGraphql;
    const { plan } = await reference(scenario);
    const broken = (state: SandboxState) => state.repositories()[0]!.id;
    const run = await faultyRun(
      scenario,
      {},
      (r, state) =>
        r.operation === 'graphql' &&
        !isDestroyMutation(r) &&
        (r.body ?? '').includes(`ContainerRepository/${broken(state)}"`)
          ? { kind: 'status', status: 500 }
          : undefined,
      ['--retries', '1'],
    );
    expectInvariants({ scenario, ...run, state: run.world.state }, plan);
    expect(run.result.code).toBe(1);
    const prefix = `${run.world.state.repositories()[0]!.path}:`;
    const untouched = (tags: Set<string>) => [...tags].filter((tag) => tag.startsWith(prefix)).sort();
    expect(untouched(snapshot(run.world.state))).toEqual(untouched(run.before));
  });

  // A delete request GitLab keeps failing is settled tag by tag over REST, which answers per tag:
  // the deletions already made stay in the report, and the run reaches the same state.
  test('prune (GraphQL): a 500 that persists on the batched deletions: settled over REST, same final state', async () => {
    const scenario = SCENARIOS.pruneGraphql;
    const { plan, final } = await reference(scenario);
    const run = await faultyRun(
      scenario,
      {},
      (r) => (isDestroyMutation(r) ? { kind: 'status', status: 500 } : undefined),
      ['--retries', '1'],
    );
    expectInvariants({ scenario, ...run, state: run.world.state }, plan);
    expect(run.result.code).toBe(0);
    expect(snapshot(run.world.state)).toEqual(final);
    expect(run.sandbox.requests.some((r) => r.operation === 'deleteTag' && r.status === 200)).toBe(true);
  });
});

// ---- (a)–(c) under targeted faults ----------------------------------------------------------------

describe.concurrent('a deletion whose answer is lost (the tag is gone, the client does not know)', () => {
  test.each<[string, DeleteGeneration, Fault]>([
    [
      '502 after the DELETE ran, newest GitLab (403 for a missing tag)',
      'newest',
      { kind: 'status', status: 502, when: 'after' },
    ],
    [
      '502 after the DELETE ran, older GitLab (404 Tag Not Found)',
      'old',
      { kind: 'status', status: 502, when: 'after' },
    ],
    [
      'reset after the DELETE ran, GitLab of the middle generation (200)',
      'middle',
      { kind: 'reset', when: 'after' },
    ],
  ])('delete-tag: %s', async (_, deleteGeneration, fault) => {
    const scenario = SCENARIOS.deleteTag;
    const { plan, final } = await reference(scenario);
    const run = await faultyRun(scenario, { deleteGeneration }, once(isDelete, fault));
    expect(run.sandbox.requests.filter((r) => r.fault).length).toBe(1);
    const deleted = expectInvariants({ scenario, ...run, state: run.world.state }, plan);
    expect(deleted).toEqual(plan);
    expect(snapshot(run.world.state)).toEqual(final);
    expect(run.result.code).toBe(0);
  });

  test.each<[string, Fault]>([
    ['502 after the mutation ran', { kind: 'status', status: 502, when: 'after' }],
    ['reset after the mutation ran', { kind: 'reset', when: 'after' }],
  ])('prune (GraphQL): %s', async (_, fault) => {
    const scenario = SCENARIOS.pruneGraphql;
    const { plan, final } = await reference(scenario);
    const run = await faultyRun(scenario, {}, once(isDestroyMutation, fault));
    expect(run.sandbox.requests.filter((r) => r.fault).length).toBe(1);
    expectInvariants({ scenario, ...run, state: run.world.state }, plan);
    expect(snapshot(run.world.state)).toEqual(final);
    expect(run.result.code).toBe(0);
  });

  test("prune (registry API): 502 after a DELETE ran: the retry's 404 says it is gone", async () => {
    const scenario = SCENARIOS.pruneRegistry;
    const { plan, final } = await reference(scenario);
    const run = await faultyRun(
      scenario,
      {},
      once((r) => r.operation === 'registryDeleteManifest', { kind: 'status', status: 502, when: 'after' }),
    );
    expect(run.sandbox.requests.filter((r) => r.fault).length).toBe(1);
    expectInvariants({ scenario, ...run, state: run.world.state }, plan);
    expect(snapshot(run.world.state)).toEqual(final);
    expect(run.result.code).toBe(0);
    expect(
      run.sandbox.requests.filter((r) => r.operation === 'registryDeleteManifest' && r.status === 404),
    ).toHaveLength(1);
  });

  test('prune (REST): 502 after a DELETE ran', async () => {
    const scenario = SCENARIOS.pruneRest;
    const { plan, final } = await reference(scenario);
    const run = await faultyRun(scenario, {}, once(isDelete, { kind: 'status', status: 502, when: 'after' }));
    expectInvariants({ scenario, ...run, state: run.world.state }, plan);
    expect(snapshot(run.world.state)).toEqual(final);
    expect(run.result.code).toBe(0);
  });
});

describe.concurrent('someone else changes the registry during the run', () => {
  test('prune (GraphQL): tags pushed and deleted by someone else while we read the pages', async () => {
    const scenario = SCENARIOS.pruneGraphql;
    const { plan } = await reference(scenario);
    // Between two pages of the root repository's tag listing, someone pushes a tag that is the
    // newest and sorts first by name, and a release tag (kept by --keep, so it shifts no
    // --keep-latest rank), and deletes build-000 (kept) and build-024 (planned). Whichever pages
    // were read already, the run deletes the plan less what is gone, nothing else, and the new
    // tags survive. (Were the newest tag read, it would rightly push build-002 out of the 3 latest;
    // the listing reads newest-first only as far as --keep-latest needs, before this point.)
    const othersAdded = new Set(['acme/web-app:aaa-pushed-meanwhile', 'acme/web-app:v9-pushed-meanwhile']);
    const othersDeleted = new Set(['acme/web-app:build-000', 'acme/web-app:build-024']);
    const secondPage = (r: InterceptedRequest) =>
      r.operation === 'graphql' &&
      /"after":"[^"]+"/.test(r.body ?? '') &&
      (r.body ?? '').includes('gitlab/ContainerRepository/1"');
    const run = await faultyRun(scenario, {}, (request, state, world) => {
      if (!secondPage(request) || state.findTag(world.repositories[0]!, 'aaa-pushed-meanwhile'))
        return undefined;
      for (const name of othersAdded) state.pushTag(world.repositories[0]!, name.split(':')[1]!);
      for (const name of othersDeleted) state.deleteTag(world.repositories[0]!, name.split(':')[1]!);
      return undefined;
    });
    expect(snapshot(run.world.state).has('acme/web-app:aaa-pushed-meanwhile')).toBe(true);
    const deleted = expectInvariants(
      { scenario, ...run, state: run.world.state, othersAdded, othersDeleted },
      plan,
    );
    expect(deleted).toEqual(difference(plan, othersDeleted));
  });

  test('delete-tag: a target deleted by someone else between our listing and our DELETE is "absent"', async () => {
    const scenario = SCENARIOS.deleteTag;
    const { plan } = await reference(scenario);
    const othersDeleted = new Set(['acme/web-app/api:build-001']);
    const run = await faultyRun(scenario, {}, (request, state, world) => {
      if (isDelete(request) && state.findTag(world.repositories[1]!, 'build-001')) {
        state.deleteTag(world.repositories[1]!, 'build-001');
      }
      return undefined;
    });
    expectInvariants({ scenario, ...run, state: run.world.state, othersDeleted }, plan);
    const report = parseReport(run.result) as DeleteTagReport;
    expect(
      report.results.find((r) => r.repository === 'acme/web-app/api' && r.tag === 'build-001'),
    ).toMatchObject({
      outcome: 'absent',
    });
    expect(run.result.code).toBe(0);
  });

  test('prune (REST): a planned tag re-pushed between our listing and our DELETE: deleted by name, nothing else', async () => {
    // GitLab's DELETE names a tag, not an image: a tag re-pushed after the listing is deleted with
    // its new image (GitLab's own cleanup policies have the same window). The invariant that holds
    // is by name: nothing outside the plan, and the report says what happened.
    const scenario = SCENARIOS.pruneRest;
    const { plan } = await reference(scenario);
    const target = 'acme/web-app:build-004';
    expect(plan.has(target)).toBe(true);
    let rePushedDigest = '';
    const run = await faultyRun(scenario, {}, (request, state, world) => {
      if (!rePushedDigest && isDelete(request) && request.path.endsWith('/repositories/1/tags/build-004')) {
        rePushedDigest = state.pushTag(world.repositories[0]!, 'build-004').digest;
      }
      return undefined;
    });
    expect(rePushedDigest).toMatch(/^sha256:/);
    const deleted = expectInvariants({ scenario, ...run, state: run.world.state }, plan);
    expect(deleted.has(target)).toBe(true);
    expect(run.result.code).toBe(0);
  });
});

// ---- (d) bounded retries, unreachable GitLab, rate limits -------------------------------------------

describe.concurrent('retries are bounded', () => {
  test('a GitLab that always answers 503, --retries 2: exactly 3 attempts, one line, bounded time', async () => {
    const scenario = SCENARIOS.deleteTag;
    const run = await faultyRun(scenario, {}, () => ({ kind: 'status', status: 503 }), ['--retries', '2']);
    expect(run.sandbox.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(
      Array(3).fill(`GET /api/v4/projects/1/registry/repositories 503`),
    );
    expect(run.result.code).toBe(1);
    expect(oneErrorLine(run.result)).toMatch(/HTTP 503 after 3 attempts/);
    expect(snapshot(run.world.state)).toEqual(run.before);
    // backoff 0.5–1 s, then 1–2 s
    expect(run.result.ms).toBeLessThan(8_000);
  });

  test('prune (REST): every DELETE answered 503, --retries 2: 3 attempts each, all failed with a reason, exit 1', async () => {
    const scenario = SCENARIOS.pruneRest;
    const { plan } = await reference(scenario);
    const run = await faultyRun(
      scenario,
      {},
      (request) => (isDelete(request) ? { kind: 'status', status: 503 } : undefined),
      ['--retries', '2'],
    );
    const attempts = new Map<string, number>();
    for (const r of run.sandbox.requests.filter((r) => r.operation === 'deleteTag'))
      attempts.set(r.path, (attempts.get(r.path) ?? 0) + 1);
    expect(attempts.size).toBe(plan.size);
    expect(new Set(attempts.values())).toEqual(new Set([3]));
    expectInvariants({ scenario, ...run, state: run.world.state }, plan);
    const report = parseReport(run.result) as PruneReport;
    const failed = report.repositories.flatMap((r) => r.tags.filter((t) => t.outcome === 'failed'));
    expect(failed).toHaveLength(plan.size);
    for (const tag of failed) expect(tag.reason).toMatch(/HTTP 503/);
    expect(snapshot(run.world.state)).toEqual(run.before);
    expect(run.result.ms).toBeLessThan(10_000);
  });

  test('nothing listening: one line naming the host, bounded time', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const world = buildWorld(SCENARIOS.deleteTag.shape);
    const url = `http://127.0.0.1:${port}/gitlab`;
    for (const args of [SCENARIOS.deleteTag.args, SCENARIOS.pruneGraphql.args]) {
      const result = await runBundle([...args, '--retries', '1', '--timeout', '1s'], {
        ...world.jobEnv({ url, apiUrl: `${url}/api/v4` }),
        ...(args[0] === 'prune' ? world.patEnv({ url, apiUrl: `${url}/api/v4` }) : {}),
      });
      expect(result.code).toBe(1);
      expect(oneErrorLine(result)).toMatch(
        new RegExp(
          `^registry-cleaner: error: cannot reach GitLab at http://127\\.0\\.0\\.1:${port}: ECONNREFUSED \\(2 attempts\\)`,
        ),
      );
      expect(result.ms).toBeLessThan(6_000);
    }
  });

  test('a GitLab that accepts but never answers, --timeout 1s --retries 1: one line, bounded time', async () => {
    const scenario = SCENARIOS.deleteTag;
    const run = await faultyRun(scenario, {}, () => ({ kind: 'slow', delayMs: 30_000 }), ['--retries', '1']);
    expect(run.result.code).toBe(1);
    expect(oneErrorLine(run.result)).toMatch(
      /cannot reach GitLab at http:\/\/127\.0\.0\.1:\d+: no answer within 1\.0 s \(2 attempts\)/,
    );
    // two 1-second timeouts and one backoff of 0.5–1 s
    expect(run.result.ms).toBeLessThan(8_000);
  });
});

describe.concurrent('rate limits', () => {
  test('a storm of 429s with Retry-After: 1 while deleting: the run waits, then succeeds without a failure', async () => {
    // GitLab's rate limit is a window: for 1.5 s from the first DELETE, every request gets 429.
    const scenario = SCENARIOS.pruneRest;
    const { final } = await reference(scenario);
    let stormEnds: number | undefined;
    const run = await faultyRun(scenario, {}, (request) => {
      if (stormEnds === undefined && isDelete(request)) stormEnds = Date.now() + 1_500;
      return stormEnds !== undefined && Date.now() < stormEnds
        ? { kind: 'rateLimited', retryAfterSeconds: 1 }
        : undefined;
    });
    const limited = run.sandbox.requests.filter((r) => r.status === 429).length;
    expect(limited).toBeGreaterThanOrEqual(2);
    expect(run.result.code, run.result.stderr).toBe(0);
    const report = JSON.parse(run.result.stdout) as {
      totals: { failed: number };
      requests: { rateLimited: number };
    };
    expect(report.totals.failed).toBe(0);
    expect(report.requests.rateLimited).toBe(limited);
    expect(snapshot(run.world.state)).toEqual(final);
    expect(run.result.ms).toBeGreaterThanOrEqual(1_500);
    expect(run.result.ms).toBeLessThan(15_000);
  });

  test('Retry-After beyond what is worth waiting for: the run ends now, in one line', async () => {
    const scenario = SCENARIOS.deleteTag;
    const run = await faultyRun(scenario, {}, () => ({ kind: 'rateLimited', retryAfterSeconds: 3600 }));
    expect(run.result.code).toBe(1);
    expect(oneErrorLine(run.result)).toMatch(
      /GitLab asked to wait 3600 s before trying again to list the container registry of project \S+ \(HTTP 429\); run again later/,
    );
    expect(run.sandbox.requests).toHaveLength(1);
    expect(run.result.ms).toBeLessThan(5_000);
  });
});
