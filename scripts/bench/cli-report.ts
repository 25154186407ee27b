// The parts of registry-cleaner's JSON report (--output json) the bench reads.

export interface ReportTag {
  name: string;
  action: 'keep' | 'delete';
  outcome?: string;
  reason?: string;
  status?: number;
}

export interface CliReport {
  dryRun: boolean;
  exitCode: number;
  error?: string;
  totals: Record<string, number>;
  repositories: { repository: { id: number }; tags: ReportTag[]; error?: string }[];
  requests?: { total: number; retries: number; rateLimited: number; byKind: Record<string, number> };
}

/** The report, or undefined when stdout holds none (the CLI stopped before writing it). */
export function parseReport(stdout: string): CliReport | undefined {
  try {
    return JSON.parse(stdout) as CliReport;
  } catch {
    return undefined;
  }
}

/** Tags of the report that satisfy `predicate`, as "repositoryId:name". */
export function reportTags(
  report: CliReport | undefined,
  predicate: (tag: ReportTag) => boolean,
): Set<string> {
  const found = new Set<string>();
  for (const entry of report?.repositories ?? []) {
    for (const tag of entry.tags) if (predicate(tag)) found.add(`${entry.repository.id}:${tag.name}`);
  }
  return found;
}

/** Tags that ended `failed` because of a 429 (HTTP status or reason). */
export function failedBy429(report: CliReport | undefined): number {
  return reportTags(
    report,
    (tag) => tag.outcome === 'failed' && (tag.status === 429 || /\b429\b/.test(tag.reason ?? '')),
  ).size;
}
