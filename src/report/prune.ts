// prune's report: one record per repository (plan, outcomes, totals, reclaimable bytes), rendered
// as JSON for machines and as text for job logs. Field meanings are documented in the README.

import {
  ALREADY_GONE,
  type Outcome,
  type PushedAtSource,
  type Repository,
  type TagResult,
} from '../model.ts';
import { type Decision, reclaimableBytes, sharedWithKept } from '../plan/retention.ts';
import type { Colors } from './console.ts';
import { formatBytes, table } from './format.ts';

export interface PruneTotals {
  repositories: number;
  tags: number;
  kept: number;
  /** planned for deletion */
  planned: number;
  deleted: number;
  absent: number;
  protected: number;
  forbidden: number;
  failed: number;
  /** kept because no push time could be read */
  unknownAge: number;
  reclaimableBytes: number;
  /** images whose size GitLab did not report (not counted in reclaimableBytes) */
  unknownSizeImages: number;
  /** repositories that could not be read (their tags were left alone) */
  repositoryErrors: number;
}

export interface TagEntry {
  name: string;
  digest?: string;
  pushedAt?: string;
  pushedAtSource?: PushedAtSource;
  ageDays?: number;
  action: 'keep' | 'delete';
  rule: string;
  because: string;
  /** after execution; absent in a dry run */
  outcome?: Outcome;
  reason?: string;
  /** kept tags on the same image: deleting this one frees nothing */
  sharesImageWith?: string[];
}

export interface RepositoryEntry {
  policy: string;
  project: { id: number; path: string };
  repository: { id: number; path: string; location: string };
  /** which push time the ages come from (see README: published_at = last push; created_at = first push or build time) */
  pushedAtSource: PushedAtSource | 'mixed' | 'none';
  totals: PruneTotals;
  tags: TagEntry[];
  /** false when tags younger than the --older-than cut-off were not read: all of them are kept */
  allTagsRead: boolean;
  /**
   * reclaimableBytes may be too high: a kept tag without a digest (a job token reads none for
   * tags the name rules keep) or unread young tags may still use an image counted as freed
   */
  reclaimableIsUpperBound: boolean;
  /** set when the repository could not be read; its tags were left alone */
  error?: string;
}

export function emptyTotals(): PruneTotals {
  return {
    repositories: 0,
    tags: 0,
    kept: 0,
    planned: 0,
    deleted: 0,
    absent: 0,
    protected: 0,
    forbidden: 0,
    failed: 0,
    unknownAge: 0,
    reclaimableBytes: 0,
    unknownSizeImages: 0,
    repositoryErrors: 0,
  };
}

export function addTotals(into: PruneTotals, more: PruneTotals): void {
  for (const key of Object.keys(into) as (keyof PruneTotals)[]) into[key] += more[key];
}

export function repositoryEntry(
  policy: string,
  repository: Repository,
  projectPath: string,
  decisions: readonly Decision[],
  results: readonly TagResult[] | undefined,
  now: Date,
  allTagsRead = true,
): RepositoryEntry {
  const outcomes = new Map(results?.map((result) => [result.tag, result]));
  const shared = sharedWithKept(decisions);
  const totals = emptyTotals();
  totals.repositories = 1;
  const sources = new Set<PushedAtSource>();
  const tags = decisions.map((decision): TagEntry => {
    const { tag } = decision;
    totals.tags++;
    if (decision.action === 'keep') totals.kept++;
    else totals.planned++;
    if (decision.rule === 'unknown-age') totals.unknownAge++;
    if (tag.pushedAtSource) sources.add(tag.pushedAtSource);
    const result = outcomes.get(tag.name);
    if (result && result.outcome !== 'planned') totals[result.outcome]++;
    return {
      name: tag.name,
      ...(tag.digest ? { digest: tag.digest } : {}),
      ...(tag.pushedAt
        ? {
            pushedAt: tag.pushedAt.toISOString(),
            pushedAtSource: tag.pushedAtSource ?? 'created_at',
            ageDays: Math.floor(((now.getTime() - tag.pushedAt.getTime()) / 86_400_000) * 10) / 10,
          }
        : {}),
      action: decision.action,
      rule: decision.rule,
      because: decision.because,
      ...(result ? { outcome: result.outcome } : {}),
      ...(result?.reason ? { reason: result.reason } : {}),
      ...(shared.has(tag.name) ? { sharesImageWith: shared.get(tag.name) } : {}),
    };
  });
  // Dry run: what the plan would free; real run: what the outcomes freed.
  const goneNames = new Set(
    results
      ? results.filter((r) => r.outcome === 'deleted' || r.outcome === 'absent').map((r) => r.tag)
      : decisions.filter((d) => d.action === 'delete').map((d) => d.tag.name),
  );
  const reclaim = reclaimableBytes(
    decisions.map((d) => d.tag),
    (name) => goneNames.has(name),
  );
  totals.reclaimableBytes = reclaim.bytes;
  const reclaimableIsUpperBound = !allTagsRead || decisions.some((d) => d.action === 'keep' && !d.tag.digest);
  totals.unknownSizeImages = reclaim.unknownSize;
  return {
    policy,
    project: { id: repository.projectId, path: projectPath },
    repository: { id: repository.id, path: repository.path, location: repository.location },
    pushedAtSource: sources.size === 0 ? 'none' : sources.size === 1 ? [...sources][0]! : 'mixed',
    totals,
    allTagsRead,
    reclaimableIsUpperBound,
    tags,
  };
}

export function failedRepositoryEntry(
  policy: string,
  repository: Repository,
  projectPath: string,
  error: string,
): RepositoryEntry {
  return {
    policy,
    project: { id: repository.projectId, path: projectPath },
    repository: { id: repository.id, path: repository.path, location: repository.location },
    pushedAtSource: 'none',
    totals: { ...emptyTotals(), repositories: 1, repositoryErrors: 1 },
    allTagsRead: false,
    reclaimableIsUpperBound: false,
    tags: [],
    error,
  };
}

const CREATED_AT_NOTE =
  'ages from created_at: the first push of each tag name (the image build time on legacy registries), not the last push';

/** Lines for one repository in the job log. */
export function renderRepository(
  entry: RepositoryEntry,
  colors: Colors,
  dryRun: boolean,
  verbose: boolean,
  quiet: boolean,
): string[] {
  const lines: string[] = [];
  const t = entry.totals;
  if (entry.error) {
    lines.push(`  ${colors.red('✖')} ${entry.repository.path}: ${entry.error}`);
    return lines;
  }
  if (!quiet) {
    const read = entry.allTagsRead ? `${t.tags} tags` : `${t.tags} tags read (younger ones kept unread)`;
    const counts = dryRun
      ? `${read}: ${colors.cyan(`${t.planned} to delete`)}, ${t.kept} kept`
      : `${read}: ${colors.green(`${t.deleted} deleted`)}${t.absent ? `, ${t.absent} ${ALREADY_GONE}` : ''}, ${t.kept} kept`;
    const problems = [
      t.protected ? colors.yellow(`${t.protected} protected`) : '',
      t.forbidden ? colors.red(`${t.forbidden} forbidden`) : '',
      t.failed ? colors.red(`${t.failed} failed`) : '',
      t.unknownAge ? colors.yellow(`${t.unknownAge} of unknown age (kept)`) : '',
    ].filter(Boolean);
    const reclaim =
      t.reclaimableBytes > 0
        ? colors.dim(
            ` · ${entry.reclaimableIsUpperBound ? 'up to ' : ''}${formatBytes(t.reclaimableBytes)} reclaimable`,
          )
        : '';
    lines.push(`  ${colors.bold(entry.repository.path)}  ${[counts, ...problems].join(', ')}${reclaim}`);
    // Ages from created_at are first pushes (image build times on legacy registries): say so.
    if (entry.pushedAtSource === 'created_at' || entry.pushedAtSource === 'mixed') {
      lines.push(`    ${colors.dim(CREATED_AT_NOTE)}`);
    }
  }
  const shown = entry.tags.filter((tag) => {
    if (tag.outcome && ['protected', 'forbidden', 'failed'].includes(tag.outcome)) return true;
    if (quiet) return false;
    if (dryRun && tag.action === 'delete') return true;
    return verbose;
  });
  if (shown.length === 0) return lines;
  const rows = shown.map((tag) => [
    label(tag, colors),
    tag.name,
    tag.pushedAt ? tag.pushedAt.slice(0, 16).replace('T', ' ') : '—',
    tag.ageDays === undefined ? '' : `${Math.floor(tag.ageDays)}d`,
    // After a refusal GitLab's reason is the news; the plan's reason stays in the JSON report. A
    // reason that only repeats the label ('already gone') gives way to the plan's.
    colors.dim(
      (tag.reason === ALREADY_GONE ? undefined : tag.reason) ??
        [
          tag.because,
          tag.sharesImageWith
            ? `frees nothing: ${tag.sharesImageWith.join(', ')} kept on the same image`
            : '',
        ]
          .filter(Boolean)
          .join('; '),
    ),
  ]);
  for (const line of table(['', 'tag', 'pushed (UTC)', 'age', 'why'], rows, (column) => column === 3)) {
    lines.push(`    ${line}`);
  }
  return lines;
}

function label(tag: TagEntry, colors: Colors): string {
  switch (tag.outcome) {
    case 'deleted':
      return colors.green('deleted');
    case 'absent':
      return colors.dim(ALREADY_GONE);
    case 'protected':
      return colors.yellow('protected');
    case 'forbidden':
    case 'failed':
      return colors.red(tag.outcome);
    default:
      return tag.action === 'delete' ? colors.cyan('delete') : colors.dim('keep');
  }
}

/** Rows in the summary table; more are folded into one, so the summary fits on a screen. */
export const SUMMARY_ROWS = 20;

/** The compact summary table: one row per project (per repository when there are few). */
export function renderSummaryTable(
  allRows: { name: string; totals: PruneTotals }[],
  total: PruneTotals,
  dryRun: boolean,
): string[] {
  let rows = allRows;
  if (allRows.length > SUMMARY_ROWS + 1) {
    // The rows that matter most: the most tags deleted (or to delete), then the most tags.
    const weight = (t: PruneTotals) => (dryRun ? t.planned : t.deleted + t.failed) * 1e9 + t.tags;
    const sorted = [...allRows].sort((a, b) => weight(b.totals) - weight(a.totals));
    const rest = emptyTotals();
    for (const row of sorted.slice(SUMMARY_ROWS)) addTotals(rest, row.totals);
    rows = [
      ...sorted.slice(0, SUMMARY_ROWS),
      { name: `… ${sorted.length - SUMMARY_ROWS} more`, totals: rest },
    ];
  }
  const header = [
    '',
    'repos',
    'tags',
    'kept',
    dryRun ? 'to delete' : 'deleted',
    'protected',
    'failed',
    'unknown age',
    'reclaimable',
  ];
  const cells = (name: string, t: PruneTotals) => [
    name,
    String(t.repositories),
    String(t.tags),
    String(t.kept),
    String(dryRun ? t.planned : t.deleted + t.absent),
    String(t.protected),
    String(t.failed + t.forbidden),
    String(t.unknownAge),
    formatBytes(t.reclaimableBytes),
  ];
  return table(
    header,
    [...rows.map((row) => cells(row.name, row.totals)), cells('total', total)],
    (column) => column > 0,
  );
}
