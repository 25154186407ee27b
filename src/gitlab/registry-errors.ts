// What the container registry says when it refuses: `{"errors": [{"code", "message", "detail"}]}`
// (registry/api/errcode of GitLab's container registry), with the descriptor's HTTP status.

import { errorFromFailure, type RegistryCleanerError } from '../errors.ts';
import type { HttpResponse } from './http.ts';

interface RegistryErrorBody {
  errors?: { code?: unknown; message?: unknown }[];
}

/** The first error code of a registry answer ('MANIFEST_UNKNOWN', 'PROTECTED_TAG', …), if it has one. */
export function registryErrorCode(response: Pick<HttpResponse, 'json'>): string | undefined {
  const code = (response.json as RegistryErrorBody | undefined)?.errors?.[0]?.code;
  return typeof code === 'string' ? code : undefined;
}

function registryErrorMessage(response: Pick<HttpResponse, 'json' | 'text' | 'status'>): string {
  const message = (response.json as RegistryErrorBody | undefined)?.errors?.[0]?.message;
  if (typeof message === 'string' && message !== '') return message;
  const text = response.text.trim().split('\n')[0] ?? '';
  return text.length > 0 && text.length <= 120 && !/^</.test(text) ? text : `HTTP ${response.status}`;
}

/** The error for a registry answer that is not the one asked for. */
export function registryFailure(
  action: string,
  answer: { status: number; message: string; code?: string },
): RegistryCleanerError {
  return errorFromFailure({
    kind: 'registry-answer',
    action,
    status: answer.status,
    message: answer.message,
    ...(answer.code ? { code: answer.code } : {}),
  });
}

/** The error for an answer of the registry's: its status, code and message. */
export function registryAnswerError(response: HttpResponse, action: string): RegistryCleanerError {
  if (response.status >= 500 || response.status === 429) {
    return errorFromFailure({
      kind: 'kept-failing',
      service: 'registry',
      action,
      status: response.status,
      attempts: response.attempts,
    });
  }
  const code = registryErrorCode(response);
  return registryFailure(action, {
    status: response.status,
    message: registryErrorMessage(response),
    ...(code ? { code } : {}),
  });
}
