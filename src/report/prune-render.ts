// prune's text for one repository and the summary table, as a job log shows them.

import { ALREADY_GONE } from '../model.ts';
import { describeCleanupPolicyRules } from '../plan/cleanup-policy.ts';
import type { Colors } from './console.ts';
import { count, formatBytes, table } from './format.ts';
import { IN_A_SWEEP, isProblem, paintOutcome } from './outcomes.ts';
import {
  addTotals,
  emptyTotals,
  type PruneTotals,
  type RepositoryEntry,
  type TagEntry,
} from './prune-entry.ts';

/** What each kind of tag time is, as the job log says it. */
const AGE_SOURCE_WORDS: Record<RepositoryEntry['ageSource'], string> = {
  'last-push': 'ages from the last push (publishedAt)',
  'first-push': 'ages from created_at: the first push of each tag name, not the last push',
  'build-time': 'ages from created_at: the image build time (legacy registry), not a push time',
  none: '',
};

/** Which API read a repository's tags, as the job log says it. */
const VIA_WORDS: Record<NonNullable<RepositoryEntry['via']>, string> = {
  registry: "the registry's API",
  graphql: 'GraphQL',
  rest: 'REST',
};

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
  if (entry.skipped) {
    lines.push(
      `  ${colors.yellow('⚠')} ${entry.repository.path}: left alone, nothing read or deleted: ${entry.skipped}`,
    );
    return lines;
  }
  if (!quiet) {
    const read = entry.allTagsRead
      ? count(t.tags, 'tag')
      : `${count(t.tags, 'tag')} read (younger ones kept without reading)`;
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
    const via = entry.via ? colors.dim(` · read via ${VIA_WORDS[entry.via]}`) : '';
    lines.push(
      `  ${colors.bold(entry.repository.path)}  ${[counts, ...problems].join(', ')}${reclaim}${via}`,
    );
    if (entry.cleanupPolicy) {
      lines.push(
        `    ${colors.dim(`rules of the project's GitLab cleanup policy: ${describeCleanupPolicyRules(entry.cleanupPolicy)}`)}`,
      );
    }
    // Ages from created_at are first pushes or build times: say so wherever they are used.
    if (entry.ageSource === 'first-push' || entry.ageSource === 'build-time') {
      lines.push(`    ${colors.dim(AGE_SOURCE_WORDS[entry.ageSource])}`);
    }
  }
  if (entry.refusal) lines.push(`    ${colors.red('✖ refused:')} ${entry.refusal}`);
  for (const note of entry.notes) lines.push(`    ${colors.yellow('note:')} ${note}`);
  // Problems and what an environment runs always (few, and the reason people trust the sweep);
  // the tags the plan deletes (would delete, in a dry run) unless --quiet, up to a cap that keeps a
  // job log under GitLab's size limit; every tag with --verbose.
  const problems = entry.tags.filter(
    (tag) =>
      tag.rule === 'deployed' ||
      (tag.outcome && (tag.outcome === 'protected' || isProblem(tag.outcome, IN_A_SWEEP))),
  );
  const others = quiet
    ? entry.tags.filter((tag) => tag.rule === 'deployed' && !problems.includes(tag))
    : entry.tags.filter((tag) => !problems.includes(tag) && (verbose || tag.action === 'delete'));
  const folded = verbose ? 0 : Math.max(0, others.length - LISTED_TAGS);
  const shown = [...problems, ...others.slice(0, others.length - folded)].sort((a, b) =>
    a.name < b.name ? -1 : 1,
  );
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
  if (folded > 0) {
    lines.push(
      `    ${colors.dim(`… and ${count(folded, 'more tag')} ${dryRun ? 'to delete' : 'deleted'}: the JSON report (--report, the job's artifact) lists every tag`)}`,
    );
  }
  return lines;
}

/** Tags listed per repository in a job log, problems aside; --verbose lists all. */
export const LISTED_TAGS = 200;

function label(tag: TagEntry, colors: Colors): string {
  if (tag.outcome)
    return paintOutcome(tag.outcome, colors, tag.outcome === 'absent' ? ALREADY_GONE : tag.outcome);
  return tag.action === 'delete' ? colors.cyan('delete') : colors.dim('keep');
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
