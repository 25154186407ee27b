// Preloaded into a measured child with `node --import`: when the process exits, it writes its peak
// resident set size in KiB to fd 3, a pipe the parent opened. Plain JavaScript so that measuring
// loads no TypeScript stripper into the child.
//
// The peak is VmHWM from /proc/self/status: the high-water mark of this program's own address
// space. getrusage's maxRSS is not: Linux carries the pre-exec image's high-water mark across
// execve, so a child spawned by the bench (whose sandbox holds 100,000 tags) started with the
// bench's RSS as its "peak" (measured: a child of a parent holding 600 MB reported 605 MB).
import { readFileSync, writeSync } from 'node:fs';

function peakKib() {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]);
  } catch {
    // not Linux: fall back to getrusage below
  }
  return process.resourceUsage().maxRSS;
}

process.on('exit', () => {
  try {
    writeSync(3, `${peakKib()}\n`);
  } catch {
    // fd 3 is not ours to report on: run without the bench
  }
});
