// Inputs for the options/ unit tests: RawOptions built as collectRawOptions builds them from yargs'
// result, and the error a resolver throws, so each test can check its class and its one line.

import { expect } from 'vitest';
import { type CommandName, camelName } from '../../src/options/flags.ts';
import { collectRawOptions, type Env, type RawOptions } from '../../src/options/raw.ts';

/**
 * @param flags by their command-line name ('older-than'), valued as yargs leaves them: strings,
 * numbers, booleans, and lists for the repeatable flags
 */
export function rawOptions(
  command: CommandName,
  flags: Record<string, unknown> = {},
  env: Env = {},
): RawOptions {
  const parsed = Object.fromEntries(
    Object.entries(flags).map(([name, value]) => [camelName({ name }), value]),
  );
  return collectRawOptions(command, parsed, env);
}

/** The error `run` throws; fails the test when it returns, or throws something not of `kind`. */
export function thrown(run: () => unknown, kind: abstract new (...args: never[]) => Error): Error {
  let error: unknown;
  try {
    run();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(kind);
  return error as Error;
}

/** As `thrown`, for a promise. */
export async function rejected(
  promise: Promise<unknown>,
  kind: abstract new (...args: never[]) => Error,
): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(kind);
  return error as Error;
}
