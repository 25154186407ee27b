// Where text goes: results on stdout, everything else (warnings, traces, progress) on stderr.
// Colour follows OutputOptions.color (NO_COLOR / FORCE_COLOR / terminal / CI log).

import pc from 'picocolors';
import type { Io } from '../io.ts';

export type Colors = ReturnType<typeof pc.createColors>;

export class Console {
  readonly colors: Colors;
  private readonly io: Io;

  constructor(io: Io, color: boolean) {
    this.io = io;
    this.colors = pc.createColors(color);
  }

  out(line = ''): void {
    this.io.stdout.write(`${line}\n`);
  }

  err(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  warn(message: string): void {
    this.err(`${this.colors.yellow('warning:')} ${message}`);
  }

  trace(message: string): void {
    this.err(this.colors.dim(message));
  }
}
