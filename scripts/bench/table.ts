// Aligned plain-text tables: numbers right-aligned, text left-aligned.

export type Cell = string | number;

export function formatTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = [header, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = header.map((_, column) => Math.max(...text.map((row) => (row[column] ?? '').length)));
  const numeric = header.map(
    (_, column) =>
      rows.some((row) => isNumeric(row[column])) &&
      rows.every((row) => isNumeric(row[column]) || PLACEHOLDERS.has(String(row[column]))),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  return [line(text[0]!), rule, ...text.slice(1).map(line)].join('\n');
}

/** Cells that stand for a missing number and should not turn a numeric column into text. */
const PLACEHOLDERS = new Set(['-', '—', '?', '']);

function isNumeric(cell: Cell | undefined): boolean {
  return (
    typeof cell === 'number' || (typeof cell === 'string' && /^[-+]?[\d,.]+( ?[%×a-zA-Z]+)?$/.test(cell))
  );
}

export function fixed(value: number, digits: number): string {
  return value.toFixed(digits);
}

export function thousands(value: number): string {
  return value.toLocaleString('en-US');
}

export function megabytes(bytes: number | undefined): string {
  return bytes === undefined ? '?' : (bytes / 1e6).toFixed(1);
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'NO';
}
