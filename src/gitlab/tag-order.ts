// The order GitLab's registry lists tag names in, and the name just before a given one.
// Tag names match [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127} (OCI); the registry sorts them byte-wise.

const MAX_LENGTH = 128;
const CHARS = '-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz'; // byte order
const FIRST_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

/**
 * The greatest valid tag name sorting before `name`, or undefined when none exists ("0").
 * Used as the keyset `last` so one request starting after it shows whether `name` exists.
 */
export function precedingTagName(name: string): string | undefined {
  const last = name[name.length - 1];
  if (last === undefined) return undefined;
  const head = name.slice(0, -1);
  // '-' is the smallest character: nothing sorts between "abc" and "abc-".
  if (last === '-' && head.length > 0) return head;
  const alphabet = head.length === 0 ? FIRST_CHARS : CHARS;
  const index = alphabet.indexOf(last);
  if (index <= 0) return head.length > 0 ? head : undefined;
  const before = alphabet[index - 1] as string;
  return (head + before).padEnd(MAX_LENGTH, 'z');
}

export function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
