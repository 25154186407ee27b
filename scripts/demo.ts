// npm run demo: the stop job and a retention sweep on the built-in sandbox GitLab, start to finish.
// Starts the sandbox on 127.0.0.1, seeds a realistic registry, and runs the real bundle against it
// exactly as a GitLab CI job would (CI_* variables and a job token), showing a dry run, a real run
// and what remains.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { type Repository, seedExample, startSandbox } from '../test/sandbox/index.ts';

const bundle = fileURLToPath(new URL('../dist/registry-cleaner.mjs', import.meta.url));
const seed = seedExample();
const sandbox = await startSandbox({ state: seed.state, prefix: '/gitlab' });
const { state, project } = seed;
// The review app of feature/search is open: its image must outlive any age rule. feature/login's
// is stopping: its stop job is the one below.
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
const searchReview = state.addEnvironment(project, 'review/feature-search');
state.addDeployment(searchReview, {
  ref: 'feature/search',
  sha: '5ea4c40d'.repeat(5),
  finishedAt: daysAgo(12),
});
const loginReview = state.addEnvironment(project, 'review/feature-login', { state: 'stopping' });
state.addDeployment(loginReview, { ref: 'feature/login', sha: '10917a11'.repeat(5), finishedAt: daysAgo(3) });

// What a stop job for branch feature/login sees: GitLab's predefined variables and its job token.
const stopJob = {
  CI: 'true',
  CI_SERVER_URL: sandbox.url,
  CI_API_V4_URL: sandbox.apiUrl,
  CI_PROJECT_ID: String(project.id),
  CI_PROJECT_PATH: project.fullPath,
  CI_COMMIT_REF_NAME: 'feature/login',
  CI_COMMIT_REF_SLUG: 'feature-login',
  CI_ENVIRONMENT_NAME: 'review/feature-login',
  CI_JOB_TOKEN: seed.jobToken,
};

function heading(text: string): void {
  process.stdout.write(`\n${pc.bold(pc.magenta(`━━ ${text}`))}\n`);
}

/** A word as a POSIX shell needs it typed: as is when safe, else in single quotes. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

// Asynchronous on purpose: the sandbox serves from this process's event loop.
async function run(args: string[], env: Record<string, string>): Promise<void> {
  const shown = Object.entries(env)
    .filter(([name]) => name.startsWith('REGISTRY_CLEANER_') && name !== 'REGISTRY_CLEANER_TOKEN')
    .map(([name, value]) => `${name}=${shellWord(value)} `)
    .join('');
  process.stdout.write(`${pc.dim('$')} ${shown}registry-cleaner ${args.map(shellWord).join(' ')}\n`);
  const child = spawn(process.execPath, [bundle, ...args], {
    env: { PATH: process.env.PATH ?? '', FORCE_COLOR: pc.isColorSupported ? '1' : '0', ...env },
    stdio: 'inherit',
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  process.stdout.write(pc.dim(`exit code ${code}\n`));
}

function showRegistry(): void {
  for (const repository of state.repositories(project) as Repository[]) {
    const tags = state.tags(repository).map((tag) => tag.name);
    process.stdout.write(`  ${pc.bold(repository.path.padEnd(20))} ${tags.join(' ')}\n`);
  }
}

try {
  heading(`Sandbox GitLab at ${sandbox.url}, project ${project.fullPath} (private)`);
  showRegistry();

  heading('Stop job of review/feature-login, dry run (only CI_* variables and the job token)');
  await run(['delete-tag', '--all-repositories', '--dry-run'], stopJob);

  heading('Stop job, for real');
  await run(['delete-tag', '--all-repositories'], stopJob);

  heading('The same stop job again: nothing left to delete, still exit 0');
  await run(['delete-tag', '--all-repositories'], stopJob);

  const sweep = { ...stopJob, REGISTRY_CLEANER_TOKEN: seed.personalToken };
  heading('Scheduled sweep: branch tags whose branch is gone (fix/typo was merged and deleted)');
  await run(['prune', '--stale-branches', '--match', '(feature|fix)-.*'], sweep);

  const age = ['--older-than', '10d', '--keep-latest', '2'];
  heading(
    'Scheduled sweep by age, dry run: older than 10 days, always keep the 2 latest; the open review app keeps its image',
  );
  await run(['prune', ...age, '--dry-run'], sweep);

  heading('The same sweep for real: GitLab keeps the release tags, which a protection rule covers');
  await run(['prune', ...age], sweep);

  heading('What remains');
  showRegistry();
} finally {
  await sandbox.close();
}
