// The command line: yargs commands and flags, built from options/flags.ts. Parses only; the
// values are checked and given defaults in options/. A usage error becomes exit 2, not yargs' 1.

import yargs, { type Argv, type Options } from 'yargs';
import { UsageError } from './errors.ts';
import { type CommandName, FLAGS, type Flag, type FlagGroup } from './options/flags.ts';
import { parseBoolean } from './options/raw.ts';
import { VERSION } from './version.ts';

export type CommandLine =
  | { kind: 'run'; command: CommandName; parsed: Record<string, unknown> }
  /** --help or --version was printed */
  | { kind: 'done' };

interface Command {
  name: CommandName;
  summary: string;
  /** command lines as a shell needs them typed (regexes in single quotes), and what they do */
  examples: [string, string][];
  epilogue: string;
}

const COMMANDS: Command[] = [
  {
    name: 'delete-tag',
    summary:
      "Delete a tag ($CI_COMMIT_REF_SLUG by default) from the project's registry: the environment stop job",
    examples: [
      ['$0 delete-tag', 'in a stop job: delete $CI_REGISTRY_IMAGE:$CI_COMMIT_REF_SLUG with the job token'],
      [
        '$0 delete-tag --all-repositories --dry-run',
        'every repository of the project, as a dry run: nothing deleted',
      ],
      [
        '$0 delete-tag --gitlab-url https://gitlab.example.com --project 42 --tag 1.10',
        'outside CI, with the token in REGISTRY_CLEANER_TOKEN',
      ],
    ],
    epilogue:
      'In a GitLab CI job no options are needed: the project, tag, URL and job token come from CI_* variables.\n' +
      'Every flag can also be set as REGISTRY_CLEANER_<FLAG>, e.g. REGISTRY_CLEANER_DRY_RUN=true.\n' +
      'Exit codes: 0 done or nothing to do, 1 a tag failed or was protected, 2 bad usage, 3 token or role refused.',
  },
  {
    name: 'prune',
    summary: 'Delete tags by retention rules across repositories, projects and groups',
    examples: [
      [
        '$0 prune --older-than 30d --keep-latest 10 --dry-run',
        "this project's registry: the plan, nothing deleted",
      ],
      [
        "$0 prune --older-than 30d --keep '(v?\\d+\\.\\d+\\.\\d+|main)'",
        'release tags and main are never deleted',
      ],
      [
        "$0 prune --group acme --stale-branches --match '(feature|fix)-.*'",
        'branch tags whose branch is gone',
      ],
      ['$0 prune --config registry-cleaner.yml', 'the policies of a file'],
      [
        "$0 prune --older-than 14d --deployed-tag 'web-$CI_COMMIT_SHORT_SHA' --keep-deployments 3",
        'deploy jobs push web-<short sha>: the images of each environment and its 2 rollbacks are kept',
      ],
    ],
    epilogue:
      'At least one of --older-than, --keep-latest, --stale-branches is required. Regexes match the whole tag name.\n' +
      'Every flag can also be set as REGISTRY_CLEANER_<FLAG>.\n' +
      'Exit codes: 0 done or nothing to do, 1 a deletion failed or a repository could not be read, 2 bad usage, 3 token or role refused.',
  },
];

/** The help groups in the order --help shows them; --help and --version come last. */
const GROUP_ORDER: readonly FlagGroup[] = [
  'What to delete',
  'Where',
  'Retention rules',
  'Run and output',
  'Connection',
];

function yargsOption(flag: Flag, command: CommandName): Options {
  const byCommand = flag.byCommand?.[command];
  const description = byCommand?.description ?? flag.description;
  const shownDefault = byCommand?.default ?? flag.default;
  // A list flag this command takes once is a plain string to yargs, which still collects a repeat
  // into a list for options/ to refuse.
  const repeatable = flag.type === 'strings' && !byCommand?.once;
  const option: Options = {
    describe: description,
    // Tag, repository and project names are strings: '1.10' must not become the number 1.1.
    type: flag.type === 'strings' ? 'string' : flag.type,
    // One value per occurrence (--tag a --tag b): with yargs' greedy arrays, a stray word after
    // --tag would become one more tag to delete.
    ...(repeatable ? { array: true, nargs: 1 } : {}),
    ...(shownDefault ? { defaultDescription: shownDefault } : {}),
    ...(flag.choices ? { choices: [...flag.choices] } : {}),
    ...(flag.alias ? { alias: flag.alias } : {}),
    requiresArg: flag.type !== 'boolean',
  };
  return option;
}

/**
 * yargs reads `--dry-run=<anything but "true">` as false: `--dry-run=yes` would be a real run.
 * A boolean flag with a value takes the values its REGISTRY_CLEANER_* variable takes, or is refused.
 */
function booleanValues(argv: readonly string[]): string[] {
  const booleans = new Set(FLAGS.filter((flag) => flag.type === 'boolean').map((flag) => flag.name));
  const end = argv.indexOf('--');
  return argv.map((arg, i) => {
    const match = /^--([a-z][a-z-]*)=(.*)$/s.exec(arg);
    if (!match || (end !== -1 && i > end) || !booleans.has(match[1] as string)) return arg;
    const value = parseBoolean(match[2] as string);
    if (value === undefined) throw new UsageError(`${arg} is not a boolean: use true or false`);
    return value ? `--${match[1]}` : `--no-${match[1]}`;
  });
}

/** yargs speaks of 'olderThan' and 'Did you mean prune?'; say it as the user typed it. */
function explain(text: string, argv: readonly string[]): string {
  if (/^Did you mean/.test(text) && argv[0] !== undefined) return `unknown command '${argv[0]}': ${text}`;
  return text.replace(
    /^(Unknown arguments?: )(.*)$/,
    (_, head: string, names: string) =>
      head +
      names
        .split(', ')
        .map((name) => {
          const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
          return argv.some((arg) => arg === flag || arg.startsWith(`${flag}=`)) ? flag : name;
        })
        .join(', '),
  );
}

export async function parseCommandLine(argv: readonly string[]): Promise<CommandLine> {
  let result: CommandLine = { kind: 'done' };
  let parser: Argv = yargs(booleanValues(argv))
    .scriptName('registry-cleaner')
    .usage('$0 <command> [options]\n\nKeeps GitLab container registries clean.')
    .version(VERSION)
    .help()
    .alias('help', 'h')
    .strict()
    .recommendCommands()
    .parserConfiguration({ 'strip-dashed': true, 'strip-aliased': true })
    .exitProcess(false)
    .showHelpOnFail(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      // Some of yargs' messages span lines ("Invalid values:\n  Argument: …"): errors are one line.
      const text = (message || error?.message || 'invalid command line').replace(/\s*\n\s*/g, ' ');
      throw new UsageError(`${explain(text, argv)} (see registry-cleaner --help)`);
    })
    .demandCommand(1, 'say what to do: registry-cleaner delete-tag, or registry-cleaner prune');
  for (const command of COMMANDS) {
    parser = parser.command(
      command.name,
      command.summary,
      (sub) => {
        const flags = FLAGS.filter((flag) => flag.commands.includes(command.name));
        for (const flag of flags) sub.option(flag.name, yargsOption(flag, command.name));
        for (const group of GROUP_ORDER) {
          const names = flags
            .filter((flag) => (flag.byCommand?.[command.name]?.group ?? flag.group) === group)
            .map((flag) => flag.name);
          if (names.length > 0) sub.group(names, `${group}:`);
        }
        // Full width, what it does as a shell comment above: in yargs' two columns a command line
        // wraps, and no longer pastes as typed.
        for (const [line, meaning] of command.examples) sub.example(`# ${meaning}`, '').example(line, '');
        return sub.epilogue(command.epilogue);
      },
      (parsed) => {
        result = { kind: 'run', command: command.name, parsed: parsed as Record<string, unknown> };
      },
    );
  }
  await parser.parseAsync();
  return result;
}
