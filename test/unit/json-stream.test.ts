// src/report/json-stream.ts: one JSON document written in pieces, through the redactor, to files.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { RegistryCleanerError } from '../../src/errors.ts';
import { fileSink, JsonDocument, type Sink, writeWholeFile } from '../../src/report/json-stream.ts';
import { temporaryDirectory } from '../e2e/support/temporary.ts';

/** A sink that keeps every piece, and how often it was closed. */
function memorySink(): Sink & { pieces: string[]; closed: number; text(): string } {
  const sink = {
    pieces: [] as string[],
    closed: 0,
    write: (text: string) => void sink.pieces.push(text),
    close: () => void sink.closed++,
    text: () => sink.pieces.join(''),
  };
  return sink;
}

const HEAD = {
  version: 1,
  command: 'prune',
  dryRun: false,
  policies: [{ name: 'nightly', rules: { keep: ['v.*'], olderThan: '14d' } }],
  note: 'a line\nand "quotes" } ]',
};
const ITEMS = [
  { repository: 'acme/web', tags: [{ name: 'a', action: 'delete' }], notes: [] },
  { repository: 'acme/api', tags: [], notes: ['}\n]'], nested: { deep: { deeper: [1, [2, {}]] } } },
  'a string item',
  42,
  null,
];
const TAIL = { totals: { deleted: 1, kept: 3 }, stoppedBy: null, finishedAt: '2026-11-23T12:00:00.000Z' };

describe('JsonDocument', () => {
  test('head, items and tail make one valid document, equal to the whole object', () => {
    const sink = memorySink();
    const document = new JsonDocument([sink], HEAD, 'repositories');
    for (const item of ITEMS) document.item(item);
    document.finish(TAIL);
    expect(JSON.parse(sink.text())).toEqual({ ...HEAD, repositories: ITEMS, ...TAIL });
    expect(sink.text().endsWith('}\n')).toBe(true);
  });

  test('it reads as JSON.stringify(…, null, 2) would print it', () => {
    const sink = memorySink();
    const document = new JsonDocument([sink], HEAD, 'repositories');
    for (const item of ITEMS) document.item(item);
    document.finish(TAIL);
    expect(sink.text()).toBe(`${JSON.stringify({ ...HEAD, repositories: ITEMS, ...TAIL }, null, 2)}\n`);
  });

  test('pieces go out as they come: the head at once, then one piece per item', () => {
    const sink = memorySink();
    const document = new JsonDocument([sink], { version: 1 }, 'items');
    expect(sink.pieces).toHaveLength(1);
    document.item({ a: 1 });
    document.item({ b: 2 });
    expect(sink.pieces).toHaveLength(3);
    expect(sink.closed).toBe(0);
    document.finish({});
    expect(sink.closed).toBe(1);
  });

  test('zero items: an empty array', () => {
    const sink = memorySink();
    new JsonDocument([sink], { version: 1 }, 'repositories').finish({ totals: { deleted: 0 } });
    expect(JSON.parse(sink.text())).toEqual({ version: 1, repositories: [], totals: { deleted: 0 } });
    expect(sink.text()).toBe(
      `${JSON.stringify({ version: 1, repositories: [], totals: { deleted: 0 } }, null, 2)}\n`,
    );
  });

  test('an empty tail: the array closes the document', () => {
    const sink = memorySink();
    const document = new JsonDocument([sink], { version: 1 }, 'items');
    document.item('x');
    document.finish({});
    expect(JSON.parse(sink.text())).toEqual({ version: 1, items: ['x'] });
  });

  test('every sink gets the same document and is closed once', () => {
    const sinks = [memorySink(), memorySink()];
    const document = new JsonDocument(sinks, { version: 1 }, 'items');
    document.item({ a: 1 });
    document.finish({ done: true });
    expect(sinks[0]?.text()).toBe(sinks[1]?.text());
    expect(sinks.map((sink) => sink.closed)).toEqual([1, 1]);
    expect(JSON.parse(sinks[0]?.text() ?? '')).toEqual({ version: 1, items: [{ a: 1 }], done: true });
  });

  // Surprising: JSON.stringify({}, null, 2) is "{}", with no "\n}" for the array to be spliced
  // into, so an empty head gives "{}" followed by the items: not JSON. Every head written today
  // has a version, so no report is affected yet.
  test('an empty head still gives a valid document', () => {
    const sink = memorySink();
    const document = new JsonDocument([sink], {}, 'items');
    document.item(1);
    document.finish({});
    expect(JSON.parse(sink.text())).toEqual({ items: [1] });
  });
});

describe('files', () => {
  const dir = temporaryDirectory('registry-cleaner-json-stream-');
  const SECRET = 'glpat-secret-token-value';
  const redact = (text: string) => text.split(SECRET).join('[MASKED]');

  test('a report file: parent directories created, every piece redacted', () => {
    const path = join(dir, 'reports', 'nightly', 'report.json');
    const document = new JsonDocument(
      [fileSink(path, redact)],
      { version: 1, url: `https://x/?t=${SECRET}` },
      'items',
    );
    document.item({ error: `401 for ${SECRET}` });
    document.item(SECRET);
    document.finish({ lastWords: SECRET });
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toEqual({
      version: 1,
      url: 'https://x/?t=[MASKED]',
      items: [{ error: '401 for [MASKED]' }, '[MASKED]'],
      lastWords: '[MASKED]',
    });
  });

  test('an existing file is replaced, not appended to', () => {
    const path = join(dir, 'replaced.json');
    writeFileSync(path, 'old content that is longer than the new one\n'.repeat(10));
    writeWholeFile(path, '{"new":true}\n', redact);
    expect(readFileSync(path, 'utf8')).toBe('{"new":true}\n');
  });

  test('writeWholeFile redacts too', () => {
    const path = join(dir, 'whole', 'result.env');
    writeWholeFile(path, `TOKEN_WAS=${SECRET}\n`, redact);
    expect(readFileSync(path, 'utf8')).toBe('TOKEN_WAS=[MASKED]\n');
  });

  test('an unwritable path is a RegistryCleanerError (exit 1) that names it and the code', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, '');
    const under = join(file, 'sub', 'report.json');
    expect(() => fileSink(under, redact)).toThrow(RegistryCleanerError);
    expect(() => fileSink(under, redact)).toThrow(`cannot write ${under} (ENOTDIR): choose a writable path`);
    const directory = join(dir, 'a-directory');
    mkdirSync(directory);
    let error: unknown;
    try {
      fileSink(directory, redact);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RegistryCleanerError);
    expect((error as RegistryCleanerError).exitCode).toBe(1);
    expect((error as Error).message).toBe(`cannot write ${directory} (EISDIR): choose a writable path`);
  });
});
