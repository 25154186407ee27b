// The soak's tables: one row per run, requests by kind, faults injected.

import type { RecordedRequest } from '../../test/sandbox/index.ts';
import type { ChildRun } from './child.ts';
import { parseReport } from './cli-report.ts';
import { describeCounts, summarizeRequests } from './requests.ts';
import { type Cell, fixed, formatTable, megabytes, thousands } from './table.ts';

export interface SoakRun {
  name: string;
  run: ChildRun;
  /** the sandbox's records of this run's requests */
  requests: readonly RecordedRequest[];
  /** tags that left the registry during this run */
  removedFromRegistry: number;
}

export function runsTable(runs: readonly SoakRun[]): string {
  return formatTable(
    [
      'run',
      'exit',
      'requests',
      'retries',
      'report: deleted',
      'absent',
      'failed',
      'repos failed',
      'registry: removed',
      'wall s',
      'peak RSS MB',
    ],
    runs.map(({ name, run, requests, removedFromRegistry }): Cell[] => {
      const report = parseReport(run.stdout);
      const totals = report?.totals ?? {};
      return [
        name,
        run.signal ?? run.code,
        thousands(requests.length),
        report?.requests?.retries ?? '?',
        thousands(totals.deleted ?? 0),
        thousands(totals.absent ?? 0),
        thousands(totals.failed ?? 0),
        report?.repositories.filter((entry) => entry.error).length ?? '?',
        thousands(removedFromRegistry),
        fixed(run.wallMs / 1000, 1),
        megabytes(run.peakRssBytes),
      ];
    }),
  );
}

export function requestLines(runs: readonly SoakRun[]): string {
  return runs
    .map(({ name, requests }) => {
      const summary = summarizeRequests(requests);
      const statuses = Object.entries(summary.byStatus)
        .map(([status, count]) => `${status}×${count}`)
        .join(' ');
      return `${name}: ${describeCounts(summary.byKind)}; statuses ${statuses}`;
    })
    .join('\n');
}

export function faultsTable(injected: Record<string, number>, requests: number): string {
  const rows = Object.entries(injected).sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((sum, [, count]) => sum + count, 0);
  const share = requests === 0 ? 0 : (total / requests) * 100;
  return formatTable(
    ['fault', 'count'],
    [...rows, [`total (${fixed(share, 2)} % of ${thousands(requests)} requests)`, total]],
  );
}

export function stderrLines(runs: readonly SoakRun[]): string[] {
  return runs
    .filter(({ run }) => run.code !== 0 || run.signal)
    .map(({ name, run }) => `${name} stderr: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
}
