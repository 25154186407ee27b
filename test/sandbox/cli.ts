// node test/sandbox/cli.ts [--port N] [--gitlab 16.5|17.3|18.6] [--registry metadata|legacy] [--registry-listener]
// A sandbox GitLab seeded with a small example, for manual experiments; runs until Ctrl-C.
import { parseArgs } from 'node:util';
import { seedExample } from './example.ts';
import { GITLAB_VERSIONS, type GitlabVersion, type RegistryKind } from './profile.ts';
import { startSandbox } from './server.ts';

const USAGE = `Usage: npm run sandbox -- [options]

Starts a sandbox GitLab seeded with a small example project and prints the CI_* variables
to reach it. Runs until Ctrl-C.

Options:
  --port <n>             GitLab listener port (default: a free port)
  --gitlab <version>     GitLab version to impersonate: ${GITLAB_VERSIONS.join(', ')} (default: 18.6)
  --registry <kind>      metadata (default) or legacy
  --mode <api|legacy>    old name of --registry (api = metadata)
  --registry-listener    also serve the container registry on a port of its own
  -h, --help             print this help
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    strict: true,
    options: {
      port: { type: 'string', default: '0' },
      gitlab: { type: 'string', default: '18.6' },
      registry: { type: 'string' },
      mode: { type: 'string' },
      'registry-listener': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const gitlab = String(values.gitlab);
if (!(GITLAB_VERSIONS as readonly string[]).includes(gitlab))
  fail(`--gitlab must be one of ${GITLAB_VERSIONS.join(', ')}`);
const registryName = values.registry ?? (values.mode === 'api' ? 'metadata' : values.mode);
if (registryName !== undefined && registryName !== 'metadata' && registryName !== 'legacy') {
  fail('--registry must be metadata or legacy (--mode: api or legacy)');
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port must be a port number');
const registry: RegistryKind = registryName === 'legacy' ? 'legacy' : 'metadata';

const seed = seedExample();
const sandbox = await startSandbox({
  state: seed.state,
  gitlab: gitlab as GitlabVersion,
  registry,
  port,
  registryListener: values['registry-listener'] === true,
});

process.stdout.write(
  [
    `Sandbox GitLab ${gitlab} (${registry} registry) at ${sandbox.url}`,
    '',
    `  CI_SERVER_URL=${sandbox.url}`,
    `  CI_API_V4_URL=${sandbox.apiUrl}`,
    `  CI_API_GRAPHQL_URL=${sandbox.graphqlUrl}`,
    `  CI_REGISTRY=${sandbox.registryHost}`,
    `  CI_PROJECT_ID=${seed.project.id}`,
    `  CI_PROJECT_PATH=${seed.project.fullPath}`,
    `  CI_JOB_TOKEN=${seed.jobToken}`,
    `  Personal access token of "${seed.developer.username}" (developer):  ${seed.personalToken}`,
    `  Personal access token of "${seed.maintainer.username}" (maintainer): ${seed.maintainerToken}`,
    '',
    `  curl -H "PRIVATE-TOKEN: ${seed.personalToken}" ${sandbox.apiUrl}/projects/${seed.project.id}/registry/repositories`,
    '',
    'Ctrl-C to stop.',
    '',
  ].join('\n'),
);

const stop = async () => {
  await sandbox.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
