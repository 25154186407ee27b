// Progress of a long sweep on stderr: a live line on a terminal, and in CI logs (no terminal) one
// line every few seconds, so a job log shows the sweep is alive without drowning in it.

import type { Io } from '../io.ts';

export const CI_PROGRESS_INTERVAL_MS = 5000;

export interface ProgressCounts {
  repositoriesDone: number;
  repositoriesTotal: number;
  tagsRead: number;
  planned: number;
  deleted: number;
  failed: number;
}

export class Progress {
  private readonly io: Io;
  private readonly live: boolean;
  private readonly enabled: boolean;
  private timer: NodeJS.Timeout | undefined;
  private lastLength = 0;
  counts: ProgressCounts = {
    repositoriesDone: 0,
    repositoriesTotal: 0,
    tagsRead: 0,
    planned: 0,
    deleted: 0,
    failed: 0,
  };

  constructor(io: Io, enabled: boolean) {
    this.io = io;
    this.enabled = enabled;
    this.live = Boolean(io.stderr.isTTY);
  }

  start(): void {
    if (!this.enabled) return;
    this.timer = setInterval(() => this.render(), this.live ? 200 : CI_PROGRESS_INTERVAL_MS);
    this.timer.unref();
  }

  update(change: Partial<ProgressCounts>): void {
    for (const [key, value] of Object.entries(change) as [keyof ProgressCounts, number][])
      this.counts[key] += value;
  }

  /** Clears the live line so that regular output starts on a clean line. */
  clear(): void {
    if (this.live && this.lastLength > 0) {
      this.io.stderr.write('\r\x1b[K');
      this.lastLength = 0;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private render(): void {
    const c = this.counts;
    const text = `prune: ${c.repositoriesDone}/${c.repositoriesTotal} repositories, ${c.tagsRead} tags read, ${c.planned} to delete, ${c.deleted} deleted${c.failed ? `, ${c.failed} failed` : ''}`;
    if (this.live) {
      this.io.stderr.write(`\r\x1b[K${text}`);
      this.lastLength = text.length;
    } else {
      this.io.stderr.write(`${text}\n`);
    }
  }
}
