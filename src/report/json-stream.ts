// Writes one JSON document in pieces: the head, then array items as they are ready, then the tail.
// A sweep of 100,000 tags never holds its whole report in memory.

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { RegistryCleanerError } from '../errors.ts';

export interface Sink {
  write(text: string): void;
  close(): void;
}

/** The run's Redactor (Io.redact): files are output too, and CI jobs keep them as artifacts. */
export type Redact = (text: string) => string;

/** A file written in pieces, every piece passed through `redact`. */
export function fileSink(path: string, redact: Redact): Sink {
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'w');
  } catch (error) {
    const code = (error as { code?: string }).code ?? String(error);
    throw new RegistryCleanerError(`cannot write ${path} (${code}): choose a writable path`);
  }
  return { write: (text) => void writeSync(fd, redact(text)), close: () => closeSync(fd) };
}

/** A file written at once, through `redact`. */
export function writeWholeFile(path: string, text: string, redact: Redact): void {
  const sink = fileSink(path, redact);
  sink.write(text);
  sink.close();
}

export class JsonDocument {
  private readonly sinks: Sink[];
  private items = 0;

  /** `head` is written now, with its array field `arrayName` left open for items. */
  constructor(sinks: Sink[], head: Record<string, unknown>, arrayName: string) {
    this.sinks = sinks;
    const fields = JSON.stringify(head, null, 2).replace(/^{\n?/, '').replace(/\n?}$/, '');
    const opening = `{\n${fields ? `${fields},\n` : ''}  ${JSON.stringify(arrayName)}: [`;
    this.write(opening);
  }

  item(value: unknown): void {
    const text = JSON.stringify(value, null, 2).replace(/\n/g, '\n    ');
    this.write(`${this.items === 0 ? '\n    ' : ',\n    '}${text}`);
    this.items++;
  }

  /** Closes the array and adds the fields known only at the end. */
  finish(tail: Record<string, unknown>): void {
    const fields = JSON.stringify(tail, null, 2).replace(/^{\n?/, '').replace(/\n?}$/, '');
    this.write(`${this.items === 0 ? '' : '\n  '}]${fields ? `,\n${fields}` : ''}\n}\n`);
    for (const sink of this.sinks) sink.close();
  }

  private write(text: string): void {
    for (const sink of this.sinks) sink.write(text);
  }
}
