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

// User regexes run on V8's linear-time engine (the `l` flag, plan/regex.ts), which this switch
// makes available; nothing else changes. Set before any pattern is compiled.
v8.setFlagsFromString('--enable-experimental-regexp-engine');

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
