// Reports GitLab reads from job artifacts (artifacts:reports): dotenv variables for downstream
// jobs, annotations (links shown on the job page) and JUnit (failures in the pipeline's test tab).

import { RESULT_VARIABLE_PREFIX } from '../options/flags.ts';
import { fileSink, type Redact, writeWholeFile } from './json-stream.ts';

/** REGISTRY_CLEANER_RESULT_DELETED=12 … one per count; names are the counts in upper snake case. */
export function writeDotenv(
  path: string,
  values: Record<string, number | boolean | string>,
  redact: Redact,
): void {
  const lines = Object.entries(values).map(
    ([name, value]) =>
      `${RESULT_VARIABLE_PREFIX}${name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}=${value}`,
  );
  writeWholeFile(path, `${lines.join('\n')}\n`, redact);
}

export interface Link {
  label: string;
  url: string;
}

/** https://docs.gitlab.com/ci/yaml/artifacts_reports/#artifactsreportsannotations */
export function writeAnnotations(path: string, links: readonly Link[], redact: Redact): void {
  const report = { 'registry-cleaner': links.map((link) => ({ external_link: link })) };
  writeWholeFile(path, `${JSON.stringify(report, null, 2)}\n`, redact);
}

/** The container registry page of a project (and of one repository) in GitLab's UI. */
export function registryPageUrl(restUrl: string, projectPath: string, repositoryId?: number): string {
  const root = restUrl.replace(/\/api\/v4\/?$/, '');
  return `${root}/${projectPath}/container_registry${repositoryId === undefined ? '' : `/${repositoryId}`}`;
}

export interface JunitCase {
  /** shown as the test's class: the repository */
  suite: string;
  name: string;
  failure?: string;
}

/** Streams one <testsuite>; GitLab reads test cases, and needs no counts up front. */
export class JunitWriter {
  private readonly sink: ReturnType<typeof fileSink>;

  constructor(path: string, name: string, redact: Redact) {
    this.sink = fileSink(path, redact);
    this.sink.write(
      `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n  <testsuite name="${xml(name)}">\n`,
    );
  }

  add(testCase: JunitCase): void {
    const open = `    <testcase classname="${xml(testCase.suite)}" name="${xml(testCase.name)}"`;
    if (testCase.failure !== undefined) {
      this.sink.write(
        `${open}>\n      <failure message="${xml(firstLine(testCase.failure))}">${xml(testCase.failure)}</failure>\n    </testcase>\n`,
      );
    } else {
      this.sink.write(`${open}/>\n`);
    }
  }

  finish(): void {
    this.sink.write('  </testsuite>\n</testsuites>\n');
    this.sink.close();
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]?.slice(0, 200) ?? '';
}

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 forbids these characters
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}
