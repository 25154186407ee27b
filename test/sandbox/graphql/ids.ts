/** GitLab global ids: `gid://gitlab/<Model>/<id>` (GitlabSchema.id_from_object). */
export function globalId(model: string, id: number): string {
  return `gid://gitlab/${model}/${id}`;
}

export function parseGlobalId(text: string): { app: string; model: string; id: number } | undefined {
  const match = /^gid:\/\/([^/]+)\/([A-Za-z:]+)\/(\d+)$/.exec(text);
  if (!match) return undefined;
  return { app: match[1] as string, model: match[2] as string, id: Number(match[3]) };
}

/** graphql-ruby's cursor encoder (Base64Encoder): URL-safe base64 without padding. */
export function encodeCursor(text: string): string {
  return Buffer.from(text).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8');
}
