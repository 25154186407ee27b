// The registry's error bodies (registry/api/errcode, registry/api/v2/errors.go and
// registry/api/gitlab/v1/errors.go of GitLab's container registry): `{"errors":[{code, message,
// detail?}]}` with the descriptor's HTTP status.
import { type ApiResponse, jsonResponse, textResponse } from '../responses.ts';

interface Descriptor {
  status: number;
  message: string;
}

const DESCRIPTORS = {
  UNKNOWN: { status: 500, message: 'unknown error' },
  UNSUPPORTED: { status: 405, message: 'The operation is unsupported.' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown' },
  PROTECTED_TAG: { status: 401, message: 'insufficient permissions to push or delete protected tag' },
  PROTECTED_MANIFEST: {
    status: 401,
    message: 'insufficient permissions to delete manifest due to tag protection or immutability policies',
  },
  TAG_PATTERN_COUNT_LIMIT_EXCEEDED: {
    status: 400,
    message: 'tag protection and immutability patterns count limit exceeded',
  },
  INVALID_QUERY_PARAMETER_VALUE: { status: 400, message: 'invalid query parameter value' },
  INVALID_QUERY_PARAMETER_TYPE: { status: 400, message: 'invalid query parameter value type' },
} satisfies Record<string, Descriptor>;

export type RegistryErrorCode = keyof typeof DESCRIPTORS;

/** Headers the registry sends on every answer. */
export const REGISTRY_HEADERS = { 'Docker-Distribution-Api-Version': 'registry/2.0' };

export function registryError(
  code: RegistryErrorCode,
  detail?: unknown,
  headers: Record<string, string> = {},
): ApiResponse {
  const descriptor: Descriptor = DESCRIPTORS[code];
  return jsonResponse(
    descriptor.status,
    { errors: [{ code, message: descriptor.message, ...(detail === undefined ? {} : { detail }) }] },
    { ...REGISTRY_HEADERS, ...headers },
  );
}

/** An empty answer (202 of a delete, 200 of `/gitlab/v1/`, 404 of a legacy registry's `/gitlab/v1/`). */
export function emptyResponse(status: number, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { ...REGISTRY_HEADERS, ...headers }, body: '' };
}

/** Go's http.NotFound for routes the registry does not have. */
export function routeNotFoundResponse(): ApiResponse {
  return textResponse(404, '404 page not found\n', 'text/plain; charset=utf-8', { ...REGISTRY_HEADERS });
}
