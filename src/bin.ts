// Entry point of the bundle (dist/registry-cleaner.mjs).
import { main } from './main.ts';

// Named imports from node: built-ins are linked before any code runs, so an old Node would fail
// with a cryptic SyntaxError; modules use namespace imports, and this says what is wrong instead.
const MINIMUM_NODE_MAJOR = 24;
if (Number(process.versions.node.split('.')[0]) < MINIMUM_NODE_MAJOR) {
  process.stderr.write(
    `registry-cleaner: error: Node.js ${MINIMUM_NODE_MAJOR} or newer is required (this is ${process.version}); use the registry-cleaner image or install Node ${MINIMUM_NODE_MAJOR} LTS\n`,
  );
  process.exit(2);
}

// A closed pipe (`registry-cleaner … | head`) is not an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  now: () => new Date(),
});
