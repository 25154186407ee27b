/**
 * Rails `Hash#to_query`: keys sorted, values CGI-escaped (space → '+', unreserved a-zA-Z0-9_.-~).
 * GitLab builds pagination links with it, so links carry every param in alphabetical order.
 */
export function toQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((key) => `${cgiEscape(key)}=${cgiEscape(params[key] ?? '')}`)
    .join('&');
}

export function cgiEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Query or form string → last value per key ('+' is a space, as Rack decodes it). */
export function parseParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(text)) params[key] = value;
  return params;
}
