// The bundle: its size, and the cold start of `node dist/registry-cleaner.mjs --version` and
// `--help` as a user's shell sees them (spawn to exit, measured in this process), over many runs.
// A few runs first warm the page cache; each measured run is still a new process. `node -e ''` is
// timed the same way, interleaved, so the bundle's own share can be told from Node's start-up and
// the machine's load: the target is a share, not an absolute time.

import { statSync } from 'node:fs';
import { currentBundle, runNode } from './child.ts';

export interface StartTimes {
  medianMs: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
}

export interface BundleFigures {
  bytes: number;
  runs: number;
  version: StartTimes;
  help: StartTimes;
  /** `node -e ''` over the same number of runs */
  bareNode: StartTimes;
  nodeVersion: string;
}

/** The cold-start target: at most this much over bare `node -e ''` (median against median). */
export const COLD_START_OVER_BARE_NODE_MS = 60;

const WARM_UP_RUNS = 3;

export async function runBundleCase(runs: number): Promise<BundleFigures> {
  const times = { version: [] as number[], help: [] as number[], bare: [] as number[] };
  let version = '';
  for (let i = 0; i < WARM_UP_RUNS + runs; i++) {
    const versionRun = await runNode(currentBundle(), ['--version'], {});
    if (versionRun.code !== 0) throw new Error(`--version exited ${versionRun.code}: ${versionRun.stderr}`);
    version = versionRun.stdout.trim();
    const helpRun = await runNode(currentBundle(), ['--help'], {});
    if (helpRun.code !== 0) throw new Error(`--help exited ${helpRun.code}: ${helpRun.stderr}`);
    const bareRun = await runNode('-e', [''], {});
    if (i >= WARM_UP_RUNS) {
      times.version.push(versionRun.wallMs);
      times.help.push(helpRun.wallMs);
      times.bare.push(bareRun.wallMs);
    }
  }
  return {
    bytes: statSync(currentBundle()).size,
    runs,
    version: summarise(times.version),
    help: summarise(times.help),
    bareNode: summarise(times.bare),
    nodeVersion: `${process.version} (bundle ${version})`,
  };
}

function summarise(times: number[]): StartTimes {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    medianMs: quantile(sorted, 0.5),
    p90Ms: quantile(sorted, 0.9),
    minMs: sorted[0]!,
    maxMs: sorted.at(-1)!,
  };
}

/** Linear interpolation between closest ranks, on a sorted array. */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}
