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
  /**
   * What every file the run writes (report, artifacts) passes through, as stdout and stderr do:
   * the secrets of this run masked.
   */
  redact(text: string): string;
  /**
   * Masks a secret learnt during the run (a registry token fetched with the job token) in every
   * output from now on: the streams, `redact`, and so every report and artifact.
   */
  addSecret(secret: string): void;
}

/** What the process hands main(), which adds the run's Redactor (to `redact` and the streams). */
export type ProcessIo = Omit<Io, 'redact' | 'addSecret'>;
