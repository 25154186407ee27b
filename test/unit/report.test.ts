import pc from 'picocolors';
import { describe, expect, test } from 'vitest';
import { emptyTotals, type RepositoryEntry } from '../../src/report/prune-entry.ts';
import { renderRepository, renderSummaryTable, SUMMARY_ROWS } from '../../src/report/prune-render.ts';

describe('the prune summary table', () => {
  test('fits on a screen: beyond SUMMARY_ROWS rows the smallest are folded into one', () => {
    const rows = Array.from({ length: 45 }, (_, i) => ({
      name: `group/project-${i}`,
      totals: { ...emptyTotals(), repositories: 1, tags: 10, deleted: i },
    }));
    const total = { ...emptyTotals(), repositories: 45, tags: 450, deleted: (44 * 45) / 2 };
    const lines = renderSummaryTable(rows, total, false);
    expect(lines).toHaveLength(1 + SUMMARY_ROWS + 1 + 1);
    expect(lines[1]).toMatch(/^group\/project-44 /);
    expect(lines.at(-2)).toMatch(/^… 25 more\s+25\s+250\s+0\s+300\b/);
    expect(lines.at(-1)).toMatch(/^total\s+45\s+450\s+0\s+990\b/);
  });

  test('a short table is left as it is, in its order', () => {
    const rows = [
      { name: 'b', totals: { ...emptyTotals(), repositories: 1, tags: 2, planned: 1 } },
      { name: 'a', totals: { ...emptyTotals(), repositories: 1, tags: 5, planned: 4 } },
    ];
    const lines = renderSummaryTable(rows, emptyTotals(), true);
    expect(lines.map((line) => line.trim().split(/\s+/)[0])).toEqual(['repos', 'b', 'a', 'total']);
  });
});

describe('a repository in the job log', () => {
  const entry = (pushedAtSource: RepositoryEntry['pushedAtSource']): RepositoryEntry => ({
    policy: 'p',
    project: { id: 1, path: 'acme/web' },
    repository: { id: 2, path: 'acme/web', location: 'registry.test/acme/web' },
    status: 'swept',
    rulesSource: 'policy',
    pushedAtSource,
    ageSource: pushedAtSource === 'created_at' ? 'first-push' : 'last-push',
    notes: [],
    totals: { ...emptyTotals(), repositories: 1, tags: 3, kept: 3 },
    allTagsRead: true,
    reclaimableIsUpperBound: false,
    tags: [],
  });
  const colors = pc.createColors(false);

  test('says when ages are first pushes (created_at), not last pushes', () => {
    expect(renderRepository(entry('created_at'), colors, false, false, false).join('\n')).toMatch(
      /ages from created_at: the first push of each tag name/,
    );
    expect(renderRepository(entry('published_at'), colors, false, false, false).join('\n')).not.toMatch(
      /created_at/,
    );
  });
});
