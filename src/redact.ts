// Tokens must never reach any output. Everything printed passes through one Redactor, which knows
// the secrets of this run (more can be added while it runs: a registry token fetched on the way);
// URLs additionally lose their user-info and token query parameters.

export const MASK = '[MASKED]';
const TOKEN_QUERY = /([?&](?:private_token|job_token|access_token)=)[^&#\s]*/gi;
/** user-info after a scheme, anywhere in a text: https://user:password@host (up to the last @: a password may hold one) */
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/?#\s]*@/gi;
/** a whole text that is a URL written without its scheme, with user-info: user:password@host:port */
const SCHEMELESS_USERINFO = /^(\s*)[^/?#\s]+@(?=(?:[\w.-]+|\[[\da-f:.]+\])(?::\d+)?(?:[/?#]\S*)?\s*$)/i;

/**
 * A text with the credentials of every URL in it masked: user and password after a scheme, and
 * those of a text that is a URL written without one (as a proxy variable may be). The one
 * definition, used for everything printed and for URLs shown in messages.
 */
export function maskUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, `$1${MASK}@`).replace(SCHEMELESS_USERINFO, `$1${MASK}@`);
}

export class Redactor {
  private readonly secrets: string[] = [];

  addSecret(secret: string | undefined): void {
    // Very short values would mask ordinary words; GitLab tokens are 20+ characters.
    if (secret && secret.length >= 8 && !this.secrets.includes(secret)) this.secrets.push(secret);
  }

  redact(text: string): string {
    let out = maskUrlCredentials(text).replace(TOKEN_QUERY, `$1${MASK}`);
    // A secret not in the text costs one scan, not a copy: a run learns a registry token per
    // repository, and reports can be megabytes.
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out;
  }
}
