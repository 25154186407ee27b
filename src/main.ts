// The process boundary: run the command, turn typed errors into one line and an exit code.
// Everything written goes through the Redactor, so no token reaches any output.

import { ExitCode, RegistryCleanerError } from './errors.ts';
import { explain } from './explain.ts';
import type { Io, ProcessIo, Stream } from './io.ts';
import { Redactor } from './redact.ts';
import { VERSION } from './version.ts';

export async function main(argv: readonly string[], io: ProcessIo): Promise<number> {
  const safe = redactingIo(io, candidateSecrets(argv, io.env));
  // The most frequent question needs no command-line parser: answer before yargs loads.
  if (argv.length === 1 && argv[0] === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return ExitCode.ok;
  }
  try {
    const { parseCommandLine } = await import('./cli.ts');
    const commandLine = await parseCommandLine(argv);
    if (commandLine.kind === 'done') return ExitCode.ok;
    // Commands load lazily: --help and --version never pay for the HTTP stack.
    const { collectRawOptions } = await import('./options/raw.ts');
    const raw = collectRawOptions(commandLine.command, commandLine.parsed, io.env);
    const isTty = Boolean(io.stdout.isTTY);
    switch (commandLine.command) {
      case 'delete-tag': {
        const { resolveDeleteTagOptions } = await import('./options/delete-tag.ts');
        const { runDeleteTag } = await import('./commands/delete-tag.ts');
        return await runDeleteTag(resolveDeleteTagOptions(raw, io.env, isTty), safe);
      }
      case 'prune': {
        const { resolvePruneOptions } = await import('./options/prune.ts');
        const { runPrune } = await import('./commands/prune.ts');
        return await runPrune(await resolvePruneOptions(raw, io.env, isTty), safe);
      }
    }
  } catch (error) {
    return reportError(error, safe, wantsVerbose(argv, io.env));
  }
}

/** The process's streams and env behind one Redactor that knows `secrets`, and takes more as the run learns them. */
export function redactingIo(io: ProcessIo, secrets: readonly string[]): Io {
  const redactor = new Redactor();
  for (const secret of secrets) redactor.addSecret(secret);
  return {
    ...io,
    stdout: redacted(io.stdout, redactor),
    stderr: redacted(io.stderr, redactor),
    redact: (text) => redactor.redact(text),
    addSecret: (secret) => {
      redactor.addSecret(secret);
      redactor.addSecret(secret.trim());
    },
  };
}

function reportError(error: unknown, io: Io, verbose: boolean): number {
  if (error instanceof RegistryCleanerError) {
    io.stderr.write(`registry-cleaner: error: ${explain(error)}\n`);
    if (verbose && error.stack) io.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  // A bug: say so, keep the stack for --verbose.
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`registry-cleaner: unexpected error: ${message}\n`);
  if (verbose && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  else
    io.stderr.write('registry-cleaner: run again with --verbose for details, and report it if it persists\n');
  return ExitCode.failed;
}

function candidateSecrets(argv: readonly string[], env: Io['env']): string[] {
  const secrets = [env.REGISTRY_CLEANER_TOKEN, env.GITLAB_TOKEN, env.CI_JOB_TOKEN];
  argv.forEach((arg, i) => {
    if (arg === '--token') secrets.push(argv[i + 1]);
    else if (arg.startsWith('--token=')) secrets.push(arg.slice('--token='.length));
  });
  for (const name of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY']) {
    const password = proxyPassword(env[name]);
    if (password) secrets.push(password);
  }
  // Tokens are sent trimmed (options/connection.ts): a value with a trailing newline or spaces must
  // be masked in the form a server would echo it.
  return secrets.flatMap((secret) => (secret ? [secret, secret.trim()] : []));
}

function proxyPassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.password ? decodeURIComponent(parsed.password) : undefined;
  } catch {
    return undefined;
  }
}

function wantsVerbose(argv: readonly string[], env: Io['env']): boolean {
  return argv.includes('--verbose') || argv.includes('-v') || env.REGISTRY_CLEANER_VERBOSE === 'true';
}

function redacted(stream: Stream, redactor: Redactor): Stream {
  return {
    write: (text: string) => stream.write(redactor.redact(text)),
    ...(stream.isTTY ? { isTTY: true } : {}),
  };
}
