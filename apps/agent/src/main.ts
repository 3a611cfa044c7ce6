import { runCli } from './cli/cli';

// A long-running agent on an unattended printer must survive a stray rejected promise; it is reported, not fatal.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(
    `${JSON.stringify({ level: 50, role: 'agent', msg: 'unhandled rejection', reason: String(reason) })}\n`,
  );
});

runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`farmhand-agent crashed: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
