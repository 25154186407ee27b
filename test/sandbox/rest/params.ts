import { invalidParams } from '../responses.ts';

const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

/**
 * Grape-style parameter coercion: every failure is collected, then reported together as
 * `{"error":"a is invalid, b is missing"}` — Grape validates all params before the endpoint runs.
 */
export class ParamCheck {
  private readonly params: Record<string, string>;
  private readonly errors: string[] = [];

  constructor(params: Record<string, string>) {
    this.params = params;
  }

  integer(name: string): number | undefined {
    const raw = this.params[name];
    if (raw === undefined) return undefined;
    if (!/^[+-]?\d+$/.test(raw.trim())) {
      this.errors.push(`${name} is invalid`);
      return undefined;
    }
    return Number.parseInt(raw, 10);
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.params[name];
    if (raw === undefined || raw === '') return fallback;
    const word = raw.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    this.errors.push(`${name} is invalid`);
    return fallback;
  }

  /** `except_values: [0]` of per_page (lib/api/pagination_params.rb). */
  notZero(name: string, value: number | undefined): void {
    if (value === 0) this.errors.push(`${name} has a value not allowed`);
  }

  fail(message: string): void {
    this.errors.push(message);
  }

  /** Throws the collected errors as Grape's 400, if any. */
  done(): void {
    if (this.errors.length > 0) throw invalidParams(this.errors);
  }
}

/** `page`/`per_page` of `use :pagination`; per_page is validated here and clamped by the paginator. */
export function paginationParams(check: ParamCheck): {
  page: number | undefined;
  perPage: number | undefined;
} {
  const page = check.integer('page');
  const perPage = check.integer('per_page');
  check.notZero('per_page', perPage);
  return { page, perPage };
}
