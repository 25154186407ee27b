// Deleting one tag through the registry: DELETE /v2/<path>/manifests/<tag>, by name and never by
// digest (a digest delete removes every tag on that image). What each answer means comes from
// registry/handlers/manifests.go (HandleDeleteManifest, validateTagDeleteRestriction, deleteTag)
// of GitLab's container registry, the same on registries with and without the metadata database.

import { TAG_NAME } from '../model.ts';
import type { ContainerRegistry } from './registry-client.ts';
import { registryAnswerError, registryErrorCode } from './registry-errors.ts';

export type RegistryDeleteAnswer =
  /** 202 */
  | { kind: 'deleted'; status: number }
  /** 404 MANIFEST_UNKNOWN (no such tag) or NAME_UNKNOWN (no such repository): the registry's own word */
  | { kind: 'absent'; status: number }
  /** 401 PROTECTED_TAG (a protection rule above the role, carried in the token) or IMMUTABLE_TAG */
  | { kind: 'protected'; status: number; code: string }
  /**
   * 405 UNSUPPORTED: deletes are turned off in the registry's configuration; 400 DIGEST_INVALID: a
   * registry too old to delete by tag took the name for a digest
   */
  | { kind: 'unsupported'; status: number }
  /** 401 insufficient_scope: GitLab left delete out of the token */
  | { kind: 'not-allowed'; status: number };

const PROTECTION_CODES = new Set(['PROTECTED_TAG', 'IMMUTABLE_TAG']);

/** One tag's DELETE and what it means; other answers (5xx after retries, 400s) are errors. */
export async function deleteTagThroughRegistry(
  registry: ContainerRegistry,
  path: string,
  tag: string,
): Promise<RegistryDeleteAnswer> {
  // A name the registry could read as a digest would delete an image, not a tag.
  if (!TAG_NAME.test(tag)) throw new Error(`bug: ${JSON.stringify(tag)} is not a tag name`);
  const action = `delete tag ${tag} of ${path}`;
  const response = await registry.send(path, {
    method: 'DELETE',
    url: new URL(`${registry.manifestsUrl(path)}${encodeURIComponent(tag)}`),
    label: 'registryDeleteTag',
    action,
  });
  const code = registryErrorCode(response);
  const { status } = response;
  // The registry confirms a delete with 202 and nothing else; a 200 is someone else's answer.
  if (status === 202) return { kind: 'deleted', status };
  if (status === 404 && (code === 'MANIFEST_UNKNOWN' || code === 'NAME_UNKNOWN'))
    return { kind: 'absent', status };
  if (status === 401 && code && PROTECTION_CODES.has(code)) return { kind: 'protected', status, code };
  if (status === 405 || (status === 400 && code === 'DIGEST_INVALID')) return { kind: 'unsupported', status };
  if (status === 401 && /error="?insufficient_scope/i.test(response.headers['www-authenticate'] ?? ''))
    return { kind: 'not-allowed', status };
  throw registryAnswerError(response, action);
}
