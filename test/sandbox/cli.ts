// node test/sandbox/cli.ts [--port N] [--mode api|legacy]
// A sandbox GitLab seeded with a small example, for manual experiments; runs until Ctrl-C.
import { parseArgs } from 'node:util';
import { seedExample } from './example.ts';
import { startSandbox } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    mode: { type: 'string', default: 'api' },
  },
});
const mode = values.mode === 'legacy' ? 'legacy' : 'api';
const seed = seedExample();
const sandbox = await startSandbox({ state: seed.state, registryMode: mode, port: Number(values.port) });

process.stdout.write(
  [
    `Sandbox GitLab (${mode} registry) at ${sandbox.url}`,
    '',
    `  CI_SERVER_URL=${sandbox.url}`,
    `  CI_API_V4_URL=${sandbox.apiUrl}`,
    `  CI_API_GRAPHQL_URL=${sandbox.graphqlUrl}`,
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
