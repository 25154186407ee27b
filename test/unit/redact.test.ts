import { describe, expect, test } from 'vitest';
import { redactingIo } from '../../src/main.ts';
import { maskUrlCredentials, Redactor } from '../../src/redact.ts';

describe('maskUrlCredentials: the one definition, for output and for URLs in messages', () => {
  test.each([
    ['http://user:secret@proxy.test:3128', 'http://[MASKED]@proxy.test:3128'],
    ['https://user@gitlab.test/x', 'https://[MASKED]@gitlab.test/x'],
    // a password with an unencoded @: everything up to the last one is user-info
    ['http://user:p@ss@proxy.test', 'http://[MASKED]@proxy.test'],
    [
      'see http://a:b@x.test and https://c@y.test/z',
      'see http://[MASKED]@x.test and https://[MASKED]@y.test/z',
    ],
    // a proxy variable written without its scheme
    ['user:secret@127.0.0.1:3128', '[MASKED]@127.0.0.1:3128'],
    ['user:secret@[::1]:3128', '[MASKED]@[::1]:3128'],
  ])('%s', (text, masked) => expect(maskUrlCredentials(text)).toBe(masked));

  test.each([
    'https://gitlab.test/api/v4/projects/1',
    '127.0.0.1:3128',
    'https://gitlab.test/users/a@b',
    '{"reason":"user@host"}',
    'a sentence that mentions user@host',
  ])('leaves %s alone', (text) => expect(maskUrlCredentials(text)).toBe(text));
});

describe('Redactor', () => {
  test('masks the secrets it knows, URL credentials and token query parameters', () => {
    const redactor = new Redactor();
    redactor.addSecret('glpat-0123456789abcdef');
    redactor.addSecret('short');
    expect(
      redactor.redact('token glpat-0123456789abcdef, short, https://u:p@h/x?private_token=abc&x=1'),
    ).toBe('token [MASKED], short, https://[MASKED]@h/x?private_token=[MASKED]&x=1');
  });
});

describe("the run's Io", () => {
  test('a secret added during the run is masked in the streams and in redact() from then on', () => {
    const written: string[] = [];
    const stream = { write: (text: string) => void written.push(text) };
    const io = redactingIo({ env: {}, stdout: stream, stderr: stream, now: () => new Date() }, [
      'glpat-known-0123456789',
    ]);
    io.stdout.write('glpat-known-0123456789 registry-token-0123456789\n');
    io.addSecret('registry-token-0123456789');
    io.stderr.write('registry-token-0123456789\n');
    expect(written).toEqual(['[MASKED] registry-token-0123456789\n', '[MASKED]\n']);
    expect(io.redact('x registry-token-0123456789')).toBe('x [MASKED]');
  });
});
