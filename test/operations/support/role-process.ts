import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { HttpClient, freePort } from '@farmhand/testing';

const ROOT = join(__dirname, '../../..');
const REGISTER = join(ROOT, 'scripts/ts-register.js');
const ENTRYPOINTS = { api: 'apps/api/src/main.ts', worker: 'apps/worker/src/main.ts' } as const;
const READY_LOG = { api: 'api listening', worker: 'worker started' } as const;
const STARTUP_TIMEOUT_MS = 120_000;

export type Role = keyof typeof ENTRYPOINTS;

export interface LogLine {
  msg?: string;
  level?: number;
  [key: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export { freePort };

/**
 * One role (api or worker) as its own Node process, started from its real entrypoint (`main.ts`, with its signal
 * handling), so tests can SIGTERM and SIGKILL it. Its JSON log lines are kept for assertions.
 */
export class RoleProcess {
  readonly logs: LogLine[] = [];
  readonly exited: Promise<Exit>;
  private stderr = '';

  private constructor(
    readonly role: Role,
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let pending = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ msg: line });
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4_000);
    });
  }

  /** Starts the role with these environment variables (on top of a minimal test environment) and waits until ready. */
  static async start(role: Role, env: Record<string, string>): Promise<RoleProcess> {
    const port = role === 'api' ? await freePort() : 0;
    const child = spawn(process.execPath, ['-r', REGISTER, ENTRYPOINTS[role]], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        METRICS_PORT: '0',
        ...env,
        ...(role === 'api' ? { PORT: String(port) } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = new RoleProcess(role, child, port);
    await started.waitForLog(READY_LOG[role], STARTUP_TIMEOUT_MS);
    return started;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  client(): HttpClient {
    return new HttpClient(this.url);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /** Stops it if still running (SIGKILL: tests that care about a graceful stop send SIGTERM themselves). */
  async stop(): Promise<void> {
    this.kill('SIGKILL');
    await this.exited;
  }

  hasLog(msg: string): LogLine | undefined {
    return this.logs.find((line) => line.msg === msg);
  }

  async waitForLog(msg: string, timeoutMs = 30_000): Promise<LogLine> {
    return this.waitForLine((line) => line.msg === msg, `"${msg}"`, timeoutMs);
  }

  /** The first log line that matches, waited for: a line is read from the child's pipe after what it did is visible. */
  async waitForLine(matches: (line: LogLine) => boolean, what: string, timeoutMs = 30_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.logs.find(matches);
      if (found) return found;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`${this.role} exited before ${what}: ${this.stderr || JSON.stringify(this.logs.slice(-5))}`);
      }
      if (Date.now() > deadline) {
        const recent = JSON.stringify(this.logs.slice(-8));
        throw new Error(`${this.role}: no ${what} within ${timeoutMs} ms; last lines: ${recent}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
