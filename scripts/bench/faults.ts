// Seeded random faults for the soak, injected through the sandbox's interceptor so that every kind
// the brief names is covered, including those the sandbox's built-in `faults` option does not draw
// (resets after the handler ran, 429 without Retry-After, answers slower than the CLI's --timeout).
// The same seed and the same request order give the same faults; request order depends on timing,
// so two runs are alike, not identical.

import type { Fault, Interceptor } from '../../test/sandbox/index.ts';
import { mulberry32 as random } from '../../test/sandbox/random.ts';

interface FaultChoice {
  label: string;
  fault: Fault;
}

function menu(slowMs: number): FaultChoice[] {
  return [
    { label: '500', fault: { kind: 'status', status: 500 } },
    { label: '502', fault: { kind: 'status', status: 502 } },
    { label: '503', fault: { kind: 'status', status: 503 } },
    { label: '429 with Retry-After: 1', fault: { kind: 'rateLimited', retryAfterSeconds: 1 } },
    { label: '429 without Retry-After', fault: { kind: 'rateLimited' } },
    { label: 'reset before the handler', fault: { kind: 'reset', when: 'before' } },
    { label: 'reset after the handler ran', fault: { kind: 'reset', when: 'after' } },
    { label: 'truncated JSON (handler ran)', fault: { kind: 'truncatedJson' } },
    { label: 'invalid JSON', fault: { kind: 'invalidJson' } },
    { label: `slow: ${slowMs} ms (handler ran)`, fault: { kind: 'slow', delayMs: slowMs } },
  ];
}

export class SeededFaults {
  enabled = true;
  readonly injected: Record<string, number> = {};
  /** when the last slow answer's handler will have run (it changes state that late) */
  slowSettledAt = 0;
  private readonly next: () => number;
  private readonly rate: number;
  private readonly choices: FaultChoice[];
  private readonly slowMs: number;

  constructor(options: { seed: number; rate: number; slowMs: number }) {
    this.next = random(options.seed);
    this.rate = options.rate;
    this.slowMs = options.slowMs;
    this.choices = menu(options.slowMs);
  }

  readonly interceptor: Interceptor = () => {
    if (!this.enabled || this.next() >= this.rate) return undefined;
    const choice = this.choices[Math.floor(this.next() * this.choices.length)]!;
    this.injected[choice.label] = (this.injected[choice.label] ?? 0) + 1;
    if (choice.fault.kind === 'slow')
      this.slowSettledAt = Math.max(this.slowSettledAt, Date.now() + this.slowMs);
    return choice.fault;
  };

  /** Resolves once every slow answer handed out has been handled. */
  async settled(): Promise<void> {
    const wait = this.slowSettledAt + 500 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
