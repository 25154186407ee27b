/** A complete HTTP answer, built by a handler and written by the server. */
export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): ApiResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(value),
  };
}

export function textResponse(
  status: number,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): ApiResponse {
  return { status, headers: { 'Content-Type': contentType, ...headers }, body };
}

/** Thrown by handlers to answer with a GitLab error body; the REST router turns it into a response. */
export class ApiError extends Error {
  readonly response: ApiResponse;

  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    super(`${status} ${JSON.stringify(body)}`);
    this.response = jsonResponse(status, body, headers);
  }
}

// The bodies of lib/api/helpers.rb and lib/api/api.rb.

/** `not_found!(resource)` → `{"message":"404 Project Not Found"}`. */
export function notFound(resource?: string): ApiError {
  return new ApiError(404, { message: resource ? `404 ${resource} Not Found` : '404 Not Found' });
}

/** `ActiveRecord::RecordNotFound` rescued by API::API: note the lower-case "found". */
export function recordNotFound(): ApiError {
  return new ApiError(404, { message: '404 Not found' });
}

/** The catch-all route's `error!('404 Not Found', 404)`: a string error → `error` key. */
export function routeNotFound(): ApiError {
  return new ApiError(404, { error: '404 Not Found' });
}

export function forbidden(reason?: string): ApiError {
  return new ApiError(403, { message: reason ? `403 Forbidden - ${reason}` : '403 Forbidden' });
}

export function unauthorized(): ApiError {
  return new ApiError(401, { message: '401 Unauthorized' });
}

/** `bad_request!(reason)`: `render_api_error_with_reason!(400, '400 Bad request', reason)`. */
export function badRequest(reason?: string): ApiError {
  return new ApiError(400, { message: reason ? `400 Bad request - ${reason}` : '400 Bad request' });
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, { message: '405 Method Not Allowed' });
}

/** Grape validation failures: all messages joined, under `error`. */
export function invalidParams(messages: string[]): ApiError {
  return new ApiError(400, { error: messages.join(', ') });
}

export const HTTP_REASONS: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
