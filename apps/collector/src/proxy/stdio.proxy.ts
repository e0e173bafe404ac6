import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { constants } from 'node:os';
import { startChildReaper } from './child.reaper.js';

/** What the relay does with each chunk; the proxy only moves bytes and manages the process. */
export interface RelayHandlers {
  fromClient(chunk: Buffer): void;
  fromServer(chunk: Buffer): void;
  /** The client closed its side: pass on whatever is still held, then the server's stdin is closed. */
  clientEnded(): Promise<void>;
  /** The server closed its stdout: pass on whatever is still held. */
  serverEnded(): void;
}

export interface RelayIo {
  toServer(bytes: Buffer): void;
  toClient(bytes: Buffer): void;
}

export interface StdioProxyOptions {
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** After stdin ends or a signal, how long the server gets before SIGTERM (stdin end) or SIGKILL (signal). */
  shutdownGraceMs: number;
  input: NodeJS.ReadableStream & { pause(): unknown; resume(): unknown };
  output: NodeJS.WritableStream;
  /** Where the proxy reports (the telemetry worker's logger). */
  log: ProxyLog;
  /** Builds the relay once the streams exist. */
  connect(io: RelayIo): RelayHandlers;
}

export type ProxyLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;

export type ServerExit = { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null } | { kind: 'spawn_failed'; error: NodeJS.ErrnoException };

/** After the server exits, how long its stdout may stay silent before the collector stops waiting for it. */
const STDOUT_QUIET_MS = 2000;
const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'];
const POSIX = process.platform !== 'win32';

/** The exit status a shell would report for a server that ended this way. */
export function exitStatusOf(exit: Extract<ServerExit, { kind: 'exited' }>): number {
  if (exit.code !== null) return exit.code;
  const number = exit.signal ? (constants.signals as Record<string, number>)[exit.signal] : undefined;
  return 128 + (number ?? 1);
}

/**
 * Spawns the real MCP server and relays bytes between it and the collector's own stdin/stdout. The
 * server inherits the environment, arguments, working directory and stderr; signals are forwarded to its
 * process group; when stdin ends the server's stdin is closed and, after a grace period, it is terminated.
 * It never outlives the collector: it runs in its own process group, which a tiny reaper (`sh`, holding a
 * pipe to the collector) terminates if the collector dies, even by `kill -9`.
 */
export class StdioProxy {
  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly signalHandlers = new Map<NodeJS.Signals, () => void>();
  private exited = false;
  /** The client is not reading fast enough: the server's stdout is paused until it drains. */
  private outputBlocked = false;
  /** The server is not reading fast enough: the client's input is paused until its stdin drains. */
  private inputBlocked = false;

  constructor(private readonly options: StdioProxyOptions) {}

  run(): Promise<ServerExit> {
    const { options } = this;
    return new Promise<ServerExit>((resolve) => {
      let child: ChildProcessWithoutNullStreams;
      try {
        child = spawn(options.command, [...options.args], { stdio: ['pipe', 'pipe', 'inherit'], env: options.env, cwd: options.cwd, detached: POSIX }) as unknown as ChildProcessWithoutNullStreams;
      } catch (error) {
        resolve({ kind: 'spawn_failed', error: error as NodeJS.ErrnoException });
        return;
      }
      this.child = child;
      let spawned = false;
      child.once('error', (error: NodeJS.ErrnoException) => {
        if (!spawned) {
          this.cleanup();
          resolve({ kind: 'spawn_failed', error });
        } else options.log('error', 'server process error', { error: error.message });
      });
      child.once('spawn', () => {
        spawned = true;
        if (POSIX && child.pid) startChildReaper(child.pid);
        options.log('info', 'server started', { pid: child.pid, command: options.command });
        this.wire(child);
      });
      child.once('exit', (code, signal) => {
        this.exited = true;
        options.log('info', 'server exited', { code, signal });
        // Every byte the server wrote goes to the client before the exit is reported, however slowly the
        // client reads; only a pipe that stays silent (held open by a grandchild) is given up on.
        const done = () => {
          clearTimeout(quiet);
          this.cleanup();
          resolve({ kind: 'exited', code, signal });
        };
        let quiet: NodeJS.Timeout | undefined;
        const rearm = () => {
          clearTimeout(quiet);
          quiet = setTimeout(() => (this.outputBlocked ? rearm() : done()), STDOUT_QUIET_MS);
        };
        if (child.stdout.readableEnded) done();
        else {
          rearm();
          child.stdout.on('data', rearm);
          child.stdout.once('end', done);
        }
      });
    });
  }

  /** Sends a signal to the server's process group (the server and whatever it started). */
  signal(signal: NodeJS.Signals): void {
    const child = this.child;
    if (!child?.pid || this.exited) return;
    try {
      if (POSIX) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
    }
  }

  private wire(child: ChildProcessWithoutNullStreams): void {
    const { input, output, log } = this.options;
    const handlers = this.options.connect({
      toServer: (bytes) => {
        if (!child.stdin.writable) return;
        // One drain listener at a time: chunks already read keep coming while the input is paused.
        if (!child.stdin.write(bytes) && !this.inputBlocked) {
          this.inputBlocked = true;
          input.pause();
          child.stdin.once('drain', () => {
            this.inputBlocked = false;
            input.resume();
          });
        }
      },
      toClient: (bytes) => {
        if (!output.write(bytes) && !this.outputBlocked) {
          this.outputBlocked = true;
          child.stdout.pause();
          output.once('drain', () => {
            this.outputBlocked = false;
            child.stdout.resume();
          });
        }
      },
    });
    input.on('data', (chunk: Buffer) => handlers.fromClient(chunk));
    input.once('end', () => {
      log('info', 'client closed stdin: closing the server stdin');
      void handlers.clientEnded().then(() => child.stdin.end());
      this.later(this.options.shutdownGraceMs, () => {
        log('warn', 'server still running after stdin closed: SIGTERM');
        this.terminate('SIGTERM');
      });
    });
    child.stdout.on('data', (chunk: Buffer) => handlers.fromServer(chunk));
    child.stdout.once('end', () => handlers.serverEnded());
    child.stdin.on('error', (error) => log('debug', 'server stdin closed', { error: error.message }));
    output.on('error', (error) => {
      log('warn', 'client stdout closed: stopping the server', { error: error.message });
      this.terminate('SIGTERM');
    });
    for (const signal of FORWARDED_SIGNALS) {
      const handler = () => {
        log('info', 'signal received: forwarding to the server', { signal });
        if (this.exited) return;
        this.signal(signal);
        if (signal === 'SIGINT' || signal === 'SIGTERM' || signal === 'SIGHUP' || signal === 'SIGQUIT') this.later(this.options.shutdownGraceMs, () => this.signal('SIGKILL'));
      };
      this.signalHandlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  /** SIGTERM now, SIGKILL after the grace period. */
  private terminate(signal: NodeJS.Signals): void {
    this.signal(signal);
    this.later(this.options.shutdownGraceMs, () => this.signal('SIGKILL'));
  }

  private later(ms: number, work: () => void): void {
    const timer = setTimeout(work, ms);
    this.timers.push(timer);
  }

  private cleanup(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.length = 0;
    for (const [signal, handler] of this.signalHandlers) process.off(signal, handler);
    this.signalHandlers.clear();
    this.options.input.pause();
  }
}
