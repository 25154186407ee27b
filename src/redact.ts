// Tokens must never reach any output. Everything printed passes through one Redactor, which knows
// the secrets of this run; URLs additionally lose their user-info and token query parameters.

const MASK = '[MASKED]';
const TOKEN_QUERY = /([?&](?:private_token|job_token|access_token)=)[^&#\s]*/gi;
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi;

export class Redactor {
  private readonly secrets: string[] = [];

  addSecret(secret: string | undefined): void {
    // Very short values would mask ordinary words; GitLab tokens are 20+ characters.
    if (secret && secret.length >= 8 && !this.secrets.includes(secret)) this.secrets.push(secret);
  }

  redact(text: string): string {
    let out = text.replace(URL_USERINFO, `$1${MASK}@`).replace(TOKEN_QUERY, `$1${MASK}`);
    for (const secret of this.secrets) out = out.split(secret).join(MASK);
    return out;
  }
}
