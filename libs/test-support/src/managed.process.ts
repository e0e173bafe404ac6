import type { ChildProcess } from 'node:child_process';

/** A child process a test started: keeps the end of its output, stops it by SIGTERM then SIGKILL. */
export class ManagedProcess {
  output = '';

  constructor(readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Why it is no longer running, or undefined while it runs. */
  exited(): string | undefined {
    return this.running ? undefined : `the process exited (${this.child.exitCode ?? this.child.signalCode})`;
  }

  async stop(graceMs = 8_000): Promise<void> {
    if (!this.running) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
