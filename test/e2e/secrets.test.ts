// Secrets never reach any output. Every scenario — success, refusals, faults, unreachable, TLS and
// proxy failures, hostile answers that echo the token back, an internal error — runs both commands
// with recognisable secrets, --verbose, a --report file and the GitLab artifacts (--junit, --dotenv,
// --annotations): delete-tag as a stop job (CI_JOB_TOKEN, text output), prune with a personal access
// token (REGISTRY_CLEANER_TOKEN, --output json). The tokens, their distinctive cores and the proxy
// password must appear in no stdout, stderr, stack trace, report or artifact file.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Fault } from '../sandbox/index.ts';
import { type BundleResult, runBundle, stderrLines } from './support/bundle.ts';
import { makeTestPki, type TestPki } from './support/certificates.ts';
import { closedPort } from './support/closed-port.ts';
import { startConnectProxy } from './support/connect-proxy.ts';
import { startHostileGitLab, type Tamper } from './support/hostile-gitlab.ts';
import {
  type GitLabUrls,
  JOB_TOKEN,
  PAT,
  PROJECT_PATH,
  type SmallWorld,
  startWorld,
  type WorldShape,
} from './support/small-world.ts';

const PROXY_PASSWORD = 's3cret-proxy-pass';
const SECRETS = [
  PAT,
  'SECRETTOKEN0123456789',
  JOB_TOKEN,
  'SECRETJOB0123456789',
  PROXY_PASSWORD,
  Buffer.from(`user:${PROXY_PASSWORD}`).toString('base64'),
];

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
});
afterAll(() => pki?.remove());

type OnFinished = (handler: () => unknown) => void;

/** Runs `body` with a place to register clean-ups, and runs them (last first) whatever happens. */
async function withCleanup(body: (onFinished: OnFinished) => Promise<void>): Promise<void> {
  const cleanups: (() => unknown)[] = [];
  try {
    await body((cleanup) => cleanups.push(cleanup));
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

/** Where the two runs of a scenario go, and anything a scenario adds to them. */
interface Target {
  world: SmallWorld;
  gitlab: GitLabUrls;
  args?: string[];
  env?: Record<string, string>;
  /** --project of the prune run (default: the world's project) */
  pruneProject?: string;
  /** CI_PROJECT_ID of the stop job (default: the world's project) */
  jobProjectId?: string;
}

interface Scenario {
  name: string;
  setup(onTestFinished: OnFinished): Promise<Target>;
  /** exit codes of [delete-tag with the job token, prune with the personal token]; undefined: any */
  codes?: [number, number];
  /**
   * The server echoes the token into an error message, which the report and artifact files record:
   * those files get their own test, which also requires them to be written, so that masking is
   * proven on files that hold the message.
   */
  echoesIntoReport?: true;
}

let files = 0;

/** Every file a run may write: the JSON report and the GitLab artifacts. */
function outputFiles(): { args: string[]; read(): string } {
  const names = ['report', 'junit', 'dotenv', 'annotations'].map((kind) => [
    kind,
    join(pki.dir, `${kind}-${process.pid}-${files++}`),
  ]);
  return {
    args: names.flatMap(([kind, path]) => [`--${kind}`, path as string]),
    read: () =>
      names
        .map(([, path]) => {
          try {
            return readFileSync(path as string, 'utf8');
          } catch {
            return ''; // not every failure gets as far as writing it
          }
        })
        .join('\n'),
  };
}

async function runBoth(target: Target): Promise<{ label: string; result: BundleResult; files: string }[]> {
  const { world, gitlab, args = [], env = {} } = target;
  const runs = [
    {
      label: 'delete-tag (CI_JOB_TOKEN, text)',
      args: ['delete-tag', '--verbose', ...args],
      env: {
        ...world.jobEnv(gitlab),
        ...(target.jobProjectId
          ? { CI_PROJECT_ID: target.jobProjectId, CI_PROJECT_PATH: 'acme/missing' }
          : {}),
        ...env,
      },
    },
    {
      label: 'prune (REGISTRY_CLEANER_TOKEN, json)',
      args: [
        'prune',
        '--project',
        target.pruneProject ?? PROJECT_PATH,
        '--older-than',
        '14d',
        '--verbose',
        '--output',
        'json',
        ...args,
      ],
      env: { ...world.patEnv(gitlab), ...env },
    },
  ];
  return Promise.all(
    runs.map(async (run) => {
      const written = outputFiles();
      const result = await runBundle([...run.args, ...written.args], run.env);
      return { label: run.label, result, files: written.read() };
    }),
  );
}

function leaks(text: string): string[] {
  return SECRETS.filter((secret) => text.includes(secret));
}

async function sandboxWorld(
  onTestFinished: OnFinished,
  options: {
    shape?: WorldShape;
    faults?: (request: { operation: string }) => Fault | undefined;
    tls?: boolean;
  } = {},
) {
  const world = await startWorld(
    { repositories: ['', 'api'], builds: 2, ...options.shape },
    options.tls ? { tls: pki.loopback } : {},
  );
  onTestFinished(() => world.sandbox.close());
  if (options.faults) world.sandbox.intercept(options.faults);
  return world;
}

async function hostileWorld(onTestFinished: OnFinished, tamper: Tamper) {
  const world = await sandboxWorld(onTestFinished);
  const front = await startHostileGitLab(world.sandbox, tamper);
  onTestFinished(() => front.close());
  return { world, gitlab: front };
}

const echo401: Tamper = ({ token }) => ({
  status: 401,
  headers: { 'www-authenticate': `Bearer realm="gitlab", error="invalid_token", token="${token}"` },
  body: JSON.stringify({ message: `401 Unauthorized: token ${token} was revoked` }),
});

const SCENARIOS: Scenario[] = [
  {
    name: 'success',
    setup: async (f) => {
      const world = await sandboxWorld(f);
      return { world, gitlab: world.sandbox };
    },
    codes: [0, 0],
  },
  {
    name: '401: unknown tokens',
    setup: async (f) => {
      const world = await sandboxWorld(f);
      world.state.forgetRecognisableTokens();
      return { world, gitlab: world.sandbox };
    },
    codes: [3, 3],
  },
  {
    name: '403: the role may not delete',
    setup: async (f) => {
      const world = await sandboxWorld(f, { shape: { role: 'reporter' } });
      return { world, gitlab: world.sandbox };
    },
    codes: [3, 3],
  },
  {
    name: '404: a project that does not exist',
    setup: async (f) => {
      const world = await sandboxWorld(f);
      return { world, gitlab: world.sandbox, pruneProject: 'acme/missing', jobProjectId: '4242' };
    },
    codes: [3, 3],
  },
  {
    name: '500 on every request',
    setup: async (f) => {
      const world = await sandboxWorld(f, { faults: () => ({ kind: 'status', status: 500 }) });
      return { world, gitlab: world.sandbox };
    },
    codes: [1, 1],
  },
  {
    name: '503 on every request, after the retries',
    setup: async (f) => {
      const world = await sandboxWorld(f, { faults: () => ({ kind: 'status', status: 503 }) });
      return { world, gitlab: world.sandbox, args: ['--retries', '1'] };
    },
    codes: [1, 1],
  },
  {
    name: 'nothing listening',
    setup: async (f) => {
      const world = await sandboxWorld(f);
      const port = await closedPort();
      const url = `http://127.0.0.1:${port}/gitlab`;
      return { world, gitlab: { url, apiUrl: `${url}/api/v4` }, args: ['--retries', '0'] };
    },
    codes: [1, 1],
  },
  {
    name: 'an HTML page with status 200',
    setup: async (f) => {
      const world = await sandboxWorld(f, { faults: () => ({ kind: 'htmlErrorPage', status: 200 }) });
      return { world, gitlab: world.sandbox };
    },
    codes: [2, 2],
  },
  {
    name: 'a redirect to the sign-in page',
    setup: async (f) => {
      const world = await sandboxWorld(f, { faults: () => ({ kind: 'redirectToLogin' }) });
      return { world, gitlab: world.sandbox };
    },
    codes: [2, 2],
  },
  {
    name: 'invalid JSON on every request',
    setup: async (f) => {
      const world = await sandboxWorld(f, { faults: () => ({ kind: 'invalidJson' }) });
      return { world, gitlab: world.sandbox, args: ['--retries', '1'] };
    },
    codes: [1, 1],
  },
  {
    name: 'truncated JSON on every request',
    setup: async (f) => {
      const world = await sandboxWorld(f, { faults: () => ({ kind: 'truncatedJson' }) });
      return { world, gitlab: world.sandbox, args: ['--retries', '1'] };
    },
    codes: [1, 1],
  },
  {
    name: 'an untrusted certificate',
    setup: async (f) => {
      const world = await sandboxWorld(f, { tls: true });
      return { world, gitlab: world.sandbox };
    },
    codes: [1, 1],
  },
  {
    name: 'a proxy that refuses the password (407)',
    setup: async (f) => {
      const world = await sandboxWorld(f, { tls: true });
      const proxy = await startConnectProxy({ credentials: { user: 'user', password: 'another-password' } });
      f(() => proxy.close());
      return {
        world,
        gitlab: world.sandbox,
        args: ['--ca-file', pki.caFile, '--retries', '0'],
        env: { HTTPS_PROXY: `http://user:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}` },
      };
    },
    codes: [1, 1],
  },
  {
    name: 'a proxy that is down',
    setup: async (f) => {
      const world = await sandboxWorld(f, { tls: true });
      const port = await closedPort();
      return {
        world,
        gitlab: world.sandbox,
        args: ['--ca-file', pki.caFile, '--retries', '0'],
        env: { https_proxy: `http://user:${PROXY_PASSWORD}@127.0.0.1:${port}` },
      };
    },
    codes: [1, 1],
  },
  {
    name: 'a proxy with a password that works',
    setup: async (f) => {
      const world = await sandboxWorld(f, { tls: true });
      const proxy = await startConnectProxy({ credentials: { user: 'user', password: PROXY_PASSWORD } });
      f(() => proxy.close());
      return {
        world,
        gitlab: world.sandbox,
        args: ['--ca-file', pki.caFile],
        env: { HTTPS_PROXY: `http://user:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}` },
      };
    },
    codes: [0, 0],
  },
  {
    name: 'a hostile server echoing the token in a 401 body and header',
    setup: async (f) => hostileWorld(f, echo401),
    codes: [3, 3],
    echoesIntoReport: true,
  },
  {
    name: 'a hostile server echoing the token in a redirect',
    setup: async (f) =>
      hostileWorld(f, ({ token }) => ({
        status: 302,
        headers: { location: `https://${token}:x@gitlab.example.com/users/sign_in?private_token=${token}` },
        body: `You are being redirected (${token})`,
      })),
    codes: [2, 2],
    echoesIntoReport: true,
  },
  {
    name: 'a hostile server echoing the token in an HTML page',
    setup: async (f) =>
      hostileWorld(f, ({ token }) => ({
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: `<html><body>Welcome ${token}</body></html>`,
      })),
    codes: [2, 2],
  },
  {
    name: 'a hostile server echoing the token when a deletion fails',
    setup: async (f) =>
      hostileWorld(f, ({ method, body, token }) => {
        if (method === 'DELETE') {
          return { status: 500, body: JSON.stringify({ message: `cannot delete as ${token}` }) };
        }
        if (method === 'POST' && body.includes('destroyContainerRepositoryTags')) {
          return {
            status: 200,
            body: JSON.stringify({
              data: { d0: { deletedTagNames: [], errors: [`${token} may not delete`] } },
            }),
          };
        }
        return undefined;
      }),
    codes: [1, 1],
    echoesIntoReport: true,
  },
  {
    name: 'a GraphQL answer of the wrong shape (an internal error in prune)',
    setup: async (f) =>
      hostileWorld(f, ({ method, body, token }) =>
        method === 'POST' && body.includes('containerRepository(id')
          ? {
              status: 200,
              body: JSON.stringify({
                data: {
                  containerRepository: { tags: { pageInfo: { hasNextPage: false }, nodes: { token } } },
                },
              }),
            }
          : undefined,
      ),
    codes: [0, 1],
  },
  {
    name: '--token twice (refused, quoting neither value)',
    setup: async (f) => {
      const world = await sandboxWorld(f);
      return { world, gitlab: world.sandbox, args: ['--token', PAT, `--token=${JOB_TOKEN}`] };
    },
    codes: [2, 2],
  },
];

async function expectNoLeak(scenario: Scenario): Promise<void> {
  await withCleanup(async (onFinished) => {
    const runs = await runBoth(await scenario.setup(onFinished));
    for (const { label, result, files } of runs) {
      const where = `${scenario.name} / ${label}`;
      expect(leaks(result.stdout), `${where}: stdout`).toEqual([]);
      expect(leaks(result.stderr), `${where}: stderr`).toEqual([]);
      if (!scenario.echoesIntoReport) expect(leaks(files), `${where}: report and artifact files`).toEqual([]);
    }
    const codes = runs.map((run) => run.result.code);
    const stderr = runs.map((run) => run.result.stderr).join('\n');
    if (scenario.codes) expect(codes, `exit codes; stderr:\n${stderr}`).toEqual(scenario.codes);
    else for (const code of codes) expect(code).toBeGreaterThan(0);
  });
}

const byName = (list: Scenario[]) => list.map((scenario) => [scenario.name, scenario] as const);

describe.concurrent('no secret in any output', () => {
  test.each(byName(SCENARIOS))('%s', (_, scenario) => expectNoLeak(scenario));
});

describe.concurrent('where the token comes from', () => {
  test('--token: a warning suggests REGISTRY_CLEANER_TOKEN, and the token is masked', () =>
    withCleanup(async (onFinished) => {
      const world = await sandboxWorld(onFinished);
      for (const tokenArgs of [['--token', PAT], [`--token=${PAT}`]]) {
        const result = await runBundle(
          ['delete-tag', '--project', PROJECT_PATH, '--tag', 'feature-login', '--verbose', ...tokenArgs],
          { REGISTRY_CLEANER_GITLAB_URL: world.sandbox.url },
        );
        expect(result.code).toBe(0);
        expect(stderrLines(result)[0]).toMatch(
          /^warning: --token puts the token on the command line, where process lists and logs can show it; set REGISTRY_CLEANER_TOKEN instead$/,
        );
        expect(leaks(result.stdout + result.stderr)).toEqual([]);
      }
      expect(world.sandbox.requests.some((r) => r.auth === 'pat')).toBe(true);
    }));

  test('GITLAB_TOKEN, against a server that echoes it: masked', () =>
    withCleanup(async (onFinished) => {
      const { gitlab } = await hostileWorld(onFinished, echo401);
      const result = await runBundle(
        ['prune', '--project', PROJECT_PATH, '--older-than', '14d', '--verbose'],
        {
          REGISTRY_CLEANER_GITLAB_URL: gitlab.url,
          GITLAB_TOKEN: PAT,
        },
      );
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/GitLab rejected GITLAB_TOKEN .*\[MASKED\]/);
      expect(leaks(result.stdout + result.stderr)).toEqual([]);
    }));

  // CI variables pasted from a file often end in a newline. The token sent (and echoed back) is the
  // trimmed value, so that is the value the masking must know.
  test('a token variable with a trailing newline, against a server that echoes it: masked', () =>
    withCleanup(async (onFinished) => {
      const { world, gitlab } = await hostileWorld(onFinished, echo401);
      const result = await runBundle(['delete-tag'], {
        ...world.jobEnv(gitlab),
        CI_JOB_TOKEN: `${JOB_TOKEN}\n`,
      });
      expect(result.code).toBe(3);
      expect(leaks(result.stdout + result.stderr)).toEqual([]);
    }));
});

describe.concurrent('the report and artifact files', () => {
  // The report and the artifact files are written to disk, not to the terminal, and CI jobs keep
  // them as artifacts that anyone with access to the pipeline can download: a token echoed into an
  // error message must be masked there as on stderr.
  test.each(SCENARIOS.filter((s) => s.echoesIntoReport).map((s) => [s.name, s] as const))(
    '%s: masked in the report and artifact files too',
    (_, scenario) =>
      withCleanup(async (onFinished) => {
        const runs = await runBoth(await scenario.setup(onFinished));
        for (const run of runs) expect(run.files, run.label).toMatch(/\S/);
        for (const run of runs) expect(leaks(run.files), run.label).toEqual([]);
      }),
  );
});
