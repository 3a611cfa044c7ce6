import { parseArgs } from 'node:util';

export interface DemoOptions {
  printers: number;
  /** Port of the api (and the dashboard). */
  port: number;
  /** Keep the demo database, Redis keys and agent configs of the last run instead of starting over. */
  keep: boolean;
  /** PostgreSQL database of the demo; never the one of a real install. */
  database: string;
  /** Where logs, agent configs and uploaded files go. */
  dir: string;
  /** Simulated seconds per real second in the virtual farm. */
  timeScale: number;
  /** Seconds after "ready" before one printing printer's webcam shows spaghetti (0 = never). */
  failAfterSeconds: number;
  /** One `farmhand-agent run` process per printer instead of one process holding every agent. */
  agentProcesses: boolean;
  /** OctoPrint, Moonraker, Prusa Link and Bambu printers, all but OctoPrint behind one farm gateway. */
  mix: boolean;
}

export const DEMO_USAGE = `Usage: npm run demo -- [options]

Starts Farmhand (api, worker, inference when built) on a fresh demo database with a virtual OctoPrint farm whose
printers are enrolled through the enrollment CSV and connected by real agents, then queues prints.

  --printers N          printers in the farm, spread over three fleets (default 24, 3..300)
  --port P              port of the api and dashboard (default 3000)
  --keep                keep the demo database and agents of the last run (default: start over)
  --database NAME       demo database (default farmhand_demo; the name must contain "demo")
  --dir PATH            logs, agent configs and files (default .data/demo)
  --time-scale X        simulated seconds per real second (default 30)
  --fail-after S        seconds after ready before one print fails with spaghetti (default 30, 0 = never)
  --agent-processes     one agent process per printer (default: every agent in one process)
  --mix                 a mixed farm: OctoPrint, Moonraker, Prusa Link and Bambu printers, all but the OctoPrint
                        ones behind one farm gateway (at least 6 printers; default: OctoPrint only)
  --help                show this help`;

export type DemoOptionsResult = { ok: true; options: DemoOptions } | { ok: false; message: string; help?: boolean };

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function integerIn(raw: string, name: string, min: number, max: number): number | string {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) return `--${name} must be a whole number from ${min} to ${max}`;
  return value;
}

export function parseDemoOptions(argv: string[]): DemoOptionsResult {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        printers: { type: 'string', default: '24' },
        port: { type: 'string', default: '3000' },
        keep: { type: 'boolean', default: false },
        database: { type: 'string', default: 'farmhand_demo' },
        dir: { type: 'string', default: '.data/demo' },
        'time-scale': { type: 'string', default: '30' },
        'fail-after': { type: 'string', default: '30' },
        'agent-processes': { type: 'boolean', default: false },
        mix: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  if (values.help) return { ok: false, message: DEMO_USAGE, help: true };
  const printers = integerIn(values.printers, 'printers', 3, 300);
  if (typeof printers === 'string') return { ok: false, message: printers };
  const port = integerIn(values.port, 'port', 1, 65_535);
  if (typeof port === 'string') return { ok: false, message: port };
  const failAfterSeconds = integerIn(values['fail-after'], 'fail-after', 0, 3_600);
  if (typeof failAfterSeconds === 'string') return { ok: false, message: failAfterSeconds };
  const timeScale = Number(values['time-scale']);
  if (!Number.isFinite(timeScale) || timeScale < 1 || timeScale > 1_000) {
    return { ok: false, message: '--time-scale must be a number from 1 to 1000' };
  }
  // Recreated on every run: refusing names without "demo" keeps a real install's database out of reach of a typo.
  if (!DATABASE_NAME.test(values.database) || !values.database.includes('demo')) {
    return {
      ok: false,
      message: '--database must be lowercase letters, digits and _ (at most 63), and contain "demo"',
    };
  }
  if (values.mix && printers < 6) return { ok: false, message: '--printers must be at least 6 with --mix' };
  if (values.dir.trim() === '') return { ok: false, message: '--dir must not be empty' };
  return {
    ok: true,
    options: {
      printers,
      port,
      keep: values.keep,
      database: values.database,
      dir: values.dir,
      timeScale,
      failAfterSeconds,
      agentProcesses: values['agent-processes'],
      mix: values.mix,
    },
  };
}
