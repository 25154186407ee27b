// The process boundary as a value: tests run commands with their own env, clock and streams.

import type { Env } from './options/raw.ts';

export interface Stream {
  write(text: string): void;
  isTTY?: boolean;
}

export interface Io {
  env: Env;
  stdout: Stream;
  stderr: Stream;
  now(): Date;
}
