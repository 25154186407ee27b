// The bundle: its size, and the cold start of `node dist/registry-cleaner.mjs --version` as a
// user's shell sees it (spawn to exit, measured in this process), over many runs. A few runs
// first warm the page cache; each measured run is still a new process. `node -e ''` is timed the
// same way, interleaved, so the bundle's own share can be told from Node's start-up and the load.

import { statSync } from 'node:fs';
import { currentBundle, runNode } from './child.ts';

export interface BundleFigures {
  bytes: number;
  runs: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
  /** median of `node -e ''` over the same number of runs */
  bareNodeMedianMs: number;
  nodeVersion: string;
}

const WARM_UP_RUNS = 3;

export async function runBundleCase(runs: number): Promise<BundleFigures> {
  const times: number[] = [];
  const bare: number[] = [];
  let version = '';
  for (let i = 0; i < WARM_UP_RUNS + runs; i++) {
    const run = await runNode(currentBundle(), ['--version'], {});
    if (run.code !== 0) throw new Error(`--version exited ${run.code}: ${run.stderr}`);
    version = run.stdout.trim();
    const node = await runNode('-e', [''], {});
    if (i >= WARM_UP_RUNS) {
      times.push(run.wallMs);
      bare.push(node.wallMs);
    }
  }
  times.sort((a, b) => a - b);
  bare.sort((a, b) => a - b);
  return {
    bytes: statSync(currentBundle()).size,
    runs,
    medianMs: quantile(times, 0.5),
    p90Ms: quantile(times, 0.9),
    minMs: times[0]!,
    maxMs: times.at(-1)!,
    bareNodeMedianMs: quantile(bare, 0.5),
    nodeVersion: `${process.version} (bundle ${version})`,
  };
}

/** Linear interpolation between closest ranks, on a sorted array. */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}
