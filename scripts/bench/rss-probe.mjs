// Preloaded into a measured child with `node --import`: when the process exits, it writes its peak
// resident set size (getrusage ru_maxrss, in KiB, via process.resourceUsage) to fd 3, a pipe the
// parent opened. Plain JavaScript so that measuring loads no TypeScript stripper into the child.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  try {
    writeSync(3, `${process.resourceUsage().maxRSS}\n`);
  } catch {
    // fd 3 is not ours to report on: run without the bench
  }
});
