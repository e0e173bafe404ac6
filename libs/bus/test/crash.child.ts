import { type ChildProcess, spawn } from 'node:child_process';
import { vi } from 'vitest';

/** A Palisade process under test: its stdout lines, its stderr, and signals by its pid. */
export class CrashChild {
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;

  constructor(script: string, args: readonly string[]) {
    this.child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until a line matching `pattern` was printed (the child failing meanwhile fails the wait). */
  async waitFor(pattern: RegExp, timeout = 30_000): Promise<void> {
    await vi.waitFor(
      () => {
        if (!this.running && !this.lines.some((line) => pattern.test(line))) throw new Error(`child exited before printing ${pattern}: ${this.stderr}`);
        if (!this.lines.some((line) => pattern.test(line))) throw new Error(`no line matches ${pattern} yet (last line: ${this.lines.at(-1) ?? 'none'}; stderr: ${this.stderr.slice(-500) || 'none'})`);
      },
      { timeout, interval: 20 },
    );
  }

  count(pattern: RegExp): number {
    return this.lines.filter((line) => pattern.test(line)).length;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) process.kill(this.pid, signal);
  }

  /** SIGKILL and wait until the process is gone (and reaped). */
  async kill(): Promise<void> {
    this.signal('SIGCONT');
    this.signal('SIGKILL');
    await this.exited;
  }
}
