// Projects and groups as the user names them: a numeric id, or a full path (any case).

import { UsageError } from '../errors.ts';
import type { GroupRef, ProjectRef } from '../model.ts';

/** A namespace path: segments of letters, digits, _ . -, separated by '/'. */
const FULL_PATH = /^[\w.-]+(\/[\w.-]+)*$/;

/** A project id, or a project's full path (a project always sits in a namespace: group/project). */
export function parseProjectRef(text: string, source: string): ProjectRef {
  const value = text.trim();
  if (/^\d+$/.test(value)) return { id: Number(value) };
  const notAProject = () =>
    new UsageError(
      `${source} ${text} is not a project: give its numeric id or its full path (group/project)`,
    );
  // The URL-encoded form (group%2Fproject), as in API URLs, is accepted too.
  let decoded = value;
  if (/%2f/i.test(value)) {
    try {
      decoded = decodeURIComponent(value);
    } catch {
      throw notAProject();
    }
  }
  const path = trimSlashes(decoded);
  if (FULL_PATH.test(path) && path.includes('/')) return { path };
  throw notAProject();
}

/** A group id, or a group's full path (a top-level group has no '/'). */
export function parseGroupRef(text: string, source: string): GroupRef {
  const value = text.trim();
  if (/^\d+$/.test(value)) return { id: Number(value) };
  const path = trimSlashes(value);
  if (FULL_PATH.test(path)) return { path };
  throw new UsageError(
    `${source} ${text} is not a group: give its numeric id or its full path (e.g. acme/platform)`,
  );
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
