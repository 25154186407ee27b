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

const v8 = process.getBuiltinModule('node:v8');

// Memory: V8 doubles its young generation whenever many objects survive a scavenge, which a sweep
// building plans for thousands of tags does; the young generation then reserved ~100 MB of a
// 100,000-tag sweep's 255 MB peak RSS, with 65-80 MB actually live. Not growing it keeps that
// sweep at ~170 MB for the same run time (measured here). Read at every scavenge, so it can
// still be set now; the size limits (--max-semi-space-size) could not.
// With a small young generation, requests in flight at a scavenge are promoted and die in the old
// generation, which V8 lets grow up to 4x its live size before a full collection: a job-token
// sweep of 100,000 tags (one details request per tag) had ~27 MB live and 115 MB of heap, 229 MB
// peak RSS. Growing by at most 50 % keeps it at 171-181 MB; the extra full collections cost CPU
// (+20 % with no latency), not wall time against a real GitLab. Read after every full collection.
v8.setFlagsFromString('--semi-space-growth-factor=1');
v8.setFlagsFromString('--heap-growing-percent=50');

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
