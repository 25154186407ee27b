import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Io } from '../../src/io.ts';
import { CI_PROGRESS_INTERVAL_MS, Progress } from '../../src/report/progress.ts';

function io(isTTY: boolean): Io & { written: string[] } {
  const written: string[] = [];
  const stream = { write: (text: string) => void written.push(text), isTTY };
  return {
    env: {},
    stdout: stream,
    stderr: stream,
    now: () => new Date(),
    redact: (text) => text,
    addSecret: () => {},
    written,
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('progress of a sweep', () => {
  test('in a CI log (no terminal): one line every few seconds, nothing in between', () => {
    const out = io(false);
    const progress = new Progress(out, true);
    progress.start();
    progress.update({ repositoriesTotal: 10, repositoriesDone: 3, tagsRead: 120, planned: 40, deleted: 12 });
    vi.advanceTimersByTime(CI_PROGRESS_INTERVAL_MS - 1);
    expect(out.written).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(out.written).toEqual(['prune: 3/10 repositories, 120 tags read, 40 to delete, 12 deleted\n']);
    progress.stop();
    vi.advanceTimersByTime(CI_PROGRESS_INTERVAL_MS * 3);
    expect(out.written).toHaveLength(1);
  });

  test('on a terminal: one live line, redrawn in place and cleared at the end', () => {
    const out = io(true);
    const progress = new Progress(out, true);
    progress.start();
    progress.update({ repositoriesTotal: 2, failed: 1 });
    vi.advanceTimersByTime(1000);
    expect(out.written.length).toBeGreaterThan(1);
    expect(out.written.every((text) => text.startsWith('\r\x1b[K'))).toBe(true);
    expect(out.written.at(-1)).toContain(', 1 failed');
    progress.stop();
    expect(out.written.at(-1)).toBe('\r\x1b[K');
  });

  test('--quiet: nothing at all', () => {
    const out = io(false);
    const progress = new Progress(out, false);
    progress.start();
    vi.advanceTimersByTime(CI_PROGRESS_INTERVAL_MS * 5);
    progress.stop();
    expect(out.written).toEqual([]);
  });
});
