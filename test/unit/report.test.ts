import pc from 'picocolors';
import { describe, expect, test } from 'vitest';
import { emptyTotals, type RepositoryEntry, type TagEntry } from '../../src/report/prune-entry.ts';
import {
  LISTED_TAGS,
  renderRepository,
  renderSummaryTable,
  SUMMARY_ROWS,
} from '../../src/report/prune-render.ts';

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

describe('the tags a repository lists in the job log', () => {
  const colors = pc.createColors(false);
  const tag = (name: string, outcome?: TagEntry['outcome']): TagEntry => ({
    name,
    action: outcome || name.startsWith('old') ? 'delete' : 'keep',
    rule: 'older-than',
    because: 'pushed 30d ago, older than 14d',
    ...(outcome ? { outcome } : {}),
  });
  const entry = (tags: TagEntry[]): RepositoryEntry => ({
    policy: 'p',
    project: { id: 1, path: 'acme/web' },
    repository: { id: 2, path: 'acme/web', location: 'registry.test/acme/web' },
    status: 'swept',
    rulesSource: 'policy',
    pushedAtSource: 'published_at',
    ageSource: 'last-push',
    notes: [],
    totals: { ...emptyTotals(), repositories: 1, tags: tags.length },
    allTagsRead: true,
    reclaimableIsUpperBound: false,
    tags,
  });
  test('a real run names the tags it deleted, not the ones it kept', () => {
    const lines = renderRepository(
      entry([tag('old-1', 'deleted'), tag('keep-me')]),
      colors,
      false,
      false,
      false,
    );
    expect(lines.join('\n')).toMatch(/deleted\s+old-1/);
    expect(lines.join('\n')).not.toMatch(/keep-me/);
  });

  test(`beyond ${LISTED_TAGS} the rest is folded into one line; problems are always listed; --verbose lists all`, () => {
    const many = Array.from({ length: LISTED_TAGS + 5 }, (_, i) =>
      tag(`old-${String(i).padStart(4, '0')}`, 'deleted'),
    );
    const failed = tag('old-zzz', 'failed');
    const lines = renderRepository(entry([...many, failed]), colors, false, false, false);
    expect(lines.join('\n')).toMatch(/… and 5 more tags deleted: the JSON report/);
    expect(lines.join('\n')).toMatch(/failed\s+old-zzz/);
    const verbose = renderRepository(entry([...many, failed]), colors, false, true, false);
    expect(verbose.join('\n')).not.toMatch(/more tags deleted/);
    expect(verbose.join('\n')).toMatch(/old-0204/);
    const quiet = renderRepository(entry([...many, failed]), colors, false, false, true);
    expect(quiet.join('\n')).not.toMatch(/old-0001/);
    expect(quiet.join('\n')).toMatch(/old-zzz/);
  });
});
