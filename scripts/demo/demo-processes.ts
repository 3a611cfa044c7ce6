import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Managed {
  name: string;
  child: ChildProcess;
  exited: Promise<void>;
  stopping: boolean;
}

export type UnexpectedExit = (name: string, code: number | null, signal: NodeJS.Signals | null) => void;

/**
 * The demo's child processes. Each runs in its own process group, so that Ctrl-C in the terminal reaches only the
 * demo, which then stops them in reverse start order (agents before the api they talk to) and waits for each.
 * Output goes to `<logDir>/<name>.log`.
 */
export class DemoProcesses {
  private readonly managed: Managed[] = [];

  constructor(
    private readonly logDir: string,
    private readonly onUnexpectedExit: UnexpectedExit,
  ) {
    // Last resort when the demo itself dies of an error: no child may outlive it.
    process.on('exit', () => {
      for (const entry of this.managed) if (entry.child.exitCode === null) entry.child.kill('SIGKILL');
    });
  }

  start(
    name: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    options: { ipc?: boolean; logName?: string } = {},
  ): ChildProcess {
    const log = openSync(join(this.logDir, `${options.logName ?? name}.log`), 'a');
    const child = spawn(process.execPath, args, {
      env,
      detached: true,
      stdio: options.ipc ? ['ignore', log, log, 'ipc'] : ['ignore', log, log],
    });
    closeSync(log);
    const entry: Managed = {
      name,
      child,
      stopping: false,
      exited: new Promise((resolve) => child.once('exit', () => resolve())),
    };
    child.once('exit', (code, signal) => {
      if (!entry.stopping) this.onUnexpectedExit(name, code, signal);
    });
    this.managed.push(entry);
    return child;
  }

  list(): { name: string; pid: number }[] {
    return this.managed
      .filter((entry) => entry.child.pid)
      .map((entry) => ({ name: entry.name, pid: entry.child.pid! }));
  }

  /** Resident memory of each running child, from /proc (Linux), in MiB. */
  memory(): { name: string; rssMiB: number }[] {
    const sizes: { name: string; rssMiB: number }[] = [];
    for (const { name, pid } of this.list()) {
      try {
        const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (match) sizes.push({ name, rssMiB: Number(match[1]) / 1024 });
      } catch {
        // exited, or not Linux
      }
    }
    return sizes;
  }

  /** SIGTERM in reverse start order, waiting for each; SIGKILL for any still running after the grace period. */
  async stopAll(graceMs = 15_000): Promise<void> {
    for (const entry of [...this.managed].reverse()) {
      entry.stopping = true;
      if (entry.child.exitCode !== null || entry.child.signalCode !== null) continue;
      entry.child.kill('SIGTERM');
      const killed = await Promise.race([
        entry.exited.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref()),
      ]);
      if (killed) {
        entry.child.kill('SIGKILL');
        await entry.exited;
      }
    }
  }
}
