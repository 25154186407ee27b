import { createHash } from 'node:crypto';

/** One `access` claim of a registry token (Auth::ContainerRegistryAuthenticationService). */
export interface RegistryAccess {
  type: 'repository';
  /** Lower-case repository path. */
  name: string;
  actions: string[];
  /** `meta.tag_deny_access_patterns` — present only when the project has tag protection rules. */
  denyPatterns?: { push?: string[]; delete?: string[] };
}

export interface RegistryToken {
  value: string;
  access: RegistryAccess[];
  /** Epoch milliseconds, on the state's clock. */
  expiresAt: number;
  /** The username the token was issued to, if any. */
  subject?: string;
}

export type TokenCheck = { kind: 'valid'; token: RegistryToken } | { kind: 'invalid' };

/**
 * Tokens GitLab issued for the registry. GitLab signs JWTs the registry verifies; the sandbox
 * hands out opaque strings and remembers them — a client has no business reading the token.
 */
export class RegistryTokenStore {
  private readonly tokens = new Map<string, RegistryToken>();
  private issued = 0;

  issue(access: RegistryAccess[], expiresAt: number, subject?: string): RegistryToken {
    const value = `rgt-${createHash('sha256')
      .update(`registry-token:${++this.issued}`)
      .digest('base64url')}`;
    const token: RegistryToken = { value, access, expiresAt, ...(subject ? { subject } : {}) };
    this.tokens.set(value, token);
    return token;
  }

  /** An unknown or expired token is "invalid" alike (token.Verify fails on both). */
  check(value: string, nowMs: number): TokenCheck {
    const token = this.tokens.get(value);
    if (!token || nowMs >= token.expiresAt) return { kind: 'invalid' };
    return { kind: 'valid', token };
  }
}

/** Does the token grant `action` on `path`? The `*` action stands for all. */
export function grants(token: RegistryToken, path: string, action: string): boolean {
  return token.access.some(
    (access) => access.name === path && (access.actions.includes(action) || access.actions.includes('*')),
  );
}

export function accessFor(token: RegistryToken, path: string): RegistryAccess | undefined {
  return token.access.find((access) => access.name === path);
}
