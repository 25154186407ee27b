import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { RegistryCleanerError } from '../errors.ts';

export function writeReportFile(path: string, report: unknown): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    const code = (error as { code?: string }).code ?? String(error);
    throw new RegistryCleanerError(
      `cannot write the report to ${path} (${code}): choose a writable path for --report`,
    );
  }
}
