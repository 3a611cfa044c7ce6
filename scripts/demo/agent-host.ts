/**
 * Runs many printer agents in one process for the demo: each is the agent's own CLI (`enroll --token`, then `run`)
 * with its own config file, so the demo goes through exactly what an operator does on each printer host, at a
 * fraction of the memory of one Node process per printer. Driven by its parent over the IPC channel; stops every
 * agent on SIGTERM/SIGINT or when the parent goes away.
 */
import { runCli } from '../../apps/agent/src/cli/cli';
import { createLogger } from '../../apps/agent/src/logger';

export interface HostedAgent {
  name: string;
  configPath: string;
  octoprintUrl: string;
  /** Single-use enrollment token from the credentials CSV; null when the config file already holds a credential. */
  token: string | null;
}

export interface AgentHostStart {
  type: 'start';
  serverUrl: string;
  octoprintApiKey: string;
  agents: HostedAgent[];
  logLevel: string;
}

export type AgentHostReport =
  | { type: 'enrolled'; name: string }
  | { type: 'failed'; name: string; step: 'enroll' | 'run'; message: string }
  | { type: 'running'; count: number };

function report(message: AgentHostReport): void {
  process.send?.(message);
}

/** Collects what the CLI prints, for the report of a failed step (the CLI never prints secrets). */
function captured(): { text: () => string; stream: { write(text: string): boolean } } {
  let text = '';
  return { text: () => text.trim(), stream: { write: (chunk: string) => ((text += chunk), true) } };
}

async function main(): Promise<void> {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  process.once('SIGTERM', () => stop());
  process.once('SIGINT', () => stop());
  process.once('disconnect', () => stop());

  const start = await Promise.race([
    new Promise<AgentHostStart>((resolve) => process.once('message', (message: AgentHostStart) => resolve(message))),
    stopped.then(() => null),
  ]);
  if (!start) process.exit(0);
  const logger = createLogger(start.logLevel);
  const running: Promise<number>[] = [];

  await Promise.all(
    start.agents.map(async (agent) => {
      const env = { ...process.env, OCTOPRINT_API_KEY: start.octoprintApiKey };
      if (agent.token) {
        const output = captured();
        const code = await runCli(
          [
            'enroll',
            '--server',
            start.serverUrl,
            '--token',
            agent.token,
            '--config',
            agent.configPath,
            '--octoprint-url',
            agent.octoprintUrl,
            '--force',
          ],
          { env, stdout: output.stream, stderr: output.stream },
        );
        if (code !== 0) return report({ type: 'failed', name: agent.name, step: 'enroll', message: output.text() });
        report({ type: 'enrolled', name: agent.name });
      }
      const output = captured();
      running.push(
        // The simulator's port changes between runs; a kept config's OctoPrint address is overridden.
        runCli(['run', '--config', agent.configPath, '--octoprint-url', agent.octoprintUrl], {
          env,
          stdout: output.stream,
          stderr: output.stream,
          logger: logger.child({ printer: agent.name }),
          untilStopped: () => stopped,
        }).then((code) => {
          if (code !== 0) report({ type: 'failed', name: agent.name, step: 'run', message: output.text() });
          return code;
        }),
      );
    }),
  );
  report({ type: 'running', count: running.length });
  await stopped;
  await Promise.all(running);
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`agent host failed: ${String(error)}\n`);
  process.exit(1);
});
