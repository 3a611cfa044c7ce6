import { parseArgs } from 'node:util';
import { MIXED_MIN_PRINTERS } from './demo-farm';

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
  /**
   * OctoPrint, Moonraker, Prusa Link and Bambu printers, all but OctoPrint behind one farm gateway (the default);
   * false with --octoprint-only.
   */
  mix: boolean;
}

export const DEMO_USAGE = `Usage: npm run demo -- [options]

Starts Farmhand (api, worker, inference when built) on a fresh demo database with a virtual mixed farm: OctoPrint,
Moonraker (Klipper), Prusa Link and Bambu printers, enrolled through the enrollment CSV; the OctoPrint printers are
connected by an agent each, all the others by one farm gateway. Then it queues prints, and after 30 s one OctoPrint
printer's webcam shows spaghetti in front of the detector.

  --printers N          printers in the farm, spread over three fleets (default 24; 6..300, or 3..300 with
                        --octoprint-only)
  --port P              port of the api and dashboard (default 3000)
  --keep                keep the demo database and agents of the last run (default: start over)
  --database NAME       demo database (default farmhand_demo; the name must contain "demo")
  --dir PATH            logs, agent configs and files (default .data/demo)
  --time-scale X        simulated seconds per real second (default 30)
  --fail-after S        seconds after ready before one print fails with spaghetti (default 30, 0 = never)
  --agent-processes     one agent process per printer (default: every agent in one process)
  --octoprint-only      only OctoPrint printers, each with its own agent, no gateway (the farm before the mix)
  --mix                 accepted for older scripts and ignored: the mixed farm is the default now
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
        'octoprint-only': { type: 'boolean', default: false },
        // The mixed farm was `--mix` before it became the default: still accepted, changes nothing.
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
  const octoprintOnly = values['octoprint-only'];
  if (octoprintOnly && values.mix) {
    return { ok: false, message: '--mix and --octoprint-only contradict each other: pass one of them' };
  }
  if (!octoprintOnly && printers < MIXED_MIN_PRINTERS) {
    return {
      ok: false,
      message:
        `--printers must be at least ${MIXED_MIN_PRINTERS} for the mixed farm (the default: two printers per fleet ` +
        `give every kind one); for ${printers} printers pass --octoprint-only as well`,
    };
  }
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
      mix: !octoprintOnly,
    },
  };
}
