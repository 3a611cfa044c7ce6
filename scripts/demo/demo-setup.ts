/**
 * The demo organization, built over HTTP as its admin would in the dashboard: sign up, fleets, the enrollment CSV
 * (dry run, then commit for the credentials CSV), printer settings, G-code uploads and the queue.
 */
import { parse } from 'csv-parse/sync';
import { sampleBgcode, sampleThreeMf } from '@farmhand/files';
import type { DemoClient } from './demo-client';
import {
  DEMO_BAYS,
  DEMO_FILES,
  demoGcode,
  demoJobCopies,
  enrollmentCsv,
  FAILURE_DEMO_FILE,
  FAILURE_DEMO_TAG,
  type DemoFile,
  type DemoPrinter,
} from './demo-farm';

export const DEMO_ADMIN = {
  email: 'demo@farmhand.example',
  password: 'print-farm-demo-2026',
  displayName: 'Demo Admin',
  organizationName: 'Demo Print Farm',
};

/** Pauses on its own, at the highest sensitivity, with the shortest frame period the API allows. */
const FAILURE_DETECTION = { autoPause: true, sensitivity: 1.2, frameIntervalSeconds: 2 };

/** A list answer, whichever of the API's shapes it has (`[...]`, `{ items }` or `{ <name>: [...] }`). */
function listOf<T>(body: unknown, key: string): T[] {
  if (Array.isArray(body)) return body as T[];
  const object = body as Record<string, unknown>;
  return (object[key] ?? object.items ?? []) as T[];
}

/**
 * Signs the demo admin up with the demo organization (sign-up answers 202 for a new and a taken address alike), then
 * signs in; with --keep, the organization is the one of the last run. `created`: the organization has no fleets yet.
 */
export async function signInDemoAdmin(client: DemoClient): Promise<{ orgId: string; created: boolean }> {
  await client.request('POST', '/api/auth/sign-up', { json: DEMO_ADMIN });
  await client.expect('sign in as the demo admin', 'POST', '/api/auth/sign-in', {
    json: { email: DEMO_ADMIN.email, password: DEMO_ADMIN.password },
  });
  const organizations = listOf<{ id: string; name: string }>(
    await client.expect('organizations', 'GET', '/api/orgs'),
    'items',
  );
  const organization = organizations.find((candidate) => candidate.name === DEMO_ADMIN.organizationName);
  if (!organization) throw new Error(`the demo admin has no organization "${DEMO_ADMIN.organizationName}"`);
  const fleets = listOf<{ id: string }>(
    await client.expect('list fleets', 'GET', `/api/orgs/${organization.id}/fleets`),
    'fleets',
  );
  return { orgId: organization.id, created: fleets.length === 0 };
}

/** Creates the bays' fleets that do not exist yet; returns fleet ids by name. */
export async function ensureFleets(client: DemoClient, orgId: string): Promise<Map<string, string>> {
  const existing = listOf<{ id: string; name: string }>(
    await client.expect('list fleets', 'GET', `/api/orgs/${orgId}/fleets`),
    'fleets',
  );
  const ids = new Map(existing.map((fleet) => [fleet.name, fleet.id]));
  for (const bay of DEMO_BAYS) {
    if (ids.has(bay.fleet)) continue;
    const fleet = await client.expect<{ id: string }>(
      `create fleet ${bay.fleet}`,
      'POST',
      `/api/orgs/${orgId}/fleets`,
      {
        json: { name: bay.fleet },
      },
    );
    ids.set(bay.fleet, fleet.id);
  }
  return ids;
}

interface DryRunReport {
  valid: boolean;
  summary: { rows: number; valid: number; invalid: number; create: number; update: number };
  fileErrors: { message: string }[];
  errors: { row: number; column?: string; message: string }[];
}

/**
 * Uploads the enrollment CSV: a dry run first (nothing written; every row's errors), then the commit, whose answer
 * is the credentials CSV with one single-use enrollment token per printer. Returns the tokens by printer name.
 */
export async function enrollFromCsv(
  client: DemoClient,
  orgId: string,
  printers: readonly DemoPrinter[],
  address: (printer: DemoPrinter) => string,
): Promise<{ tokens: Map<string, string>; summary: DryRunReport['summary']; credentials: string }> {
  const csv = enrollmentCsv(printers, address);
  const path = `/api/orgs/${orgId}/enrollment/imports`;
  const report = await client.expect<DryRunReport>('enrollment CSV dry run', 'POST', `${path}?mode=dry-run`, {
    raw: csv,
    contentType: 'text/csv',
  });
  if (!report.valid) {
    const problems = [
      ...report.fileErrors.map((error) => error.message),
      ...report.errors.map((error) => `row ${error.row}: ${error.message}`),
    ];
    throw new Error(`the demo enrollment CSV is refused: ${problems.slice(0, 5).join('; ')}`);
  }
  const credentials = await client.expect<string>('enrollment CSV commit', 'POST', `${path}?mode=commit&format=csv`, {
    raw: csv,
    contentType: 'text/csv',
  });
  const rows = parse(credentials, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const tokens = new Map(rows.map((row) => [row.name!, row.token!]));
  const missing = printers.filter((printer) => !tokens.get(printer.name));
  if (missing.length) throw new Error(`the credentials CSV has no token for ${missing.map((p) => p.name).join(', ')}`);
  return { tokens, summary: report.summary, credentials };
}

export interface PrinterRow {
  id: string;
  name: string;
  fleetId: string;
  state: string;
}

export async function listPrinters(client: DemoClient, orgId: string): Promise<PrinterRow[]> {
  return listOf<PrinterRow>(
    await client.expect('list printers', 'GET', `/api/orgs/${orgId}/printers?limit=1000`),
    'printers',
  );
}

/**
 * Settings the CSV has no column for: automatic ejection for the bays that have it, and on the printer chosen to
 * fail, detection that pauses on its own with a frame every few seconds (the agent learns it when it connects).
 */
export async function configurePrinters(
  client: DemoClient,
  orgId: string,
  printers: readonly DemoPrinter[],
  failing: DemoPrinter,
): Promise<Map<string, string>> {
  const ids = new Map((await listPrinters(client, orgId)).map((row) => [row.name, row.id]));
  for (const printer of printers) {
    const id = ids.get(printer.name);
    if (!id) throw new Error(`printer ${printer.name} was not enrolled`);
    const patch: Record<string, unknown> = {};
    if (printer.bay.autoEject) patch.autoEject = true;
    if (printer === failing) patch.detection = FAILURE_DETECTION;
    if (Object.keys(patch).length) {
      await client.expect(`settings of ${printer.name}`, 'PATCH', `/api/orgs/${orgId}/printers/${id}`, { json: patch });
    }
  }
  return ids;
}

export async function enableAutoPause(client: DemoClient, orgId: string, printerId: string): Promise<void> {
  await client.expect('detection settings', 'PATCH', `/api/orgs/${orgId}/printers/${printerId}`, {
    json: { detection: FAILURE_DETECTION },
  });
}

async function uploadGcode(client: DemoClient, orgId: string, file: DemoFile): Promise<string> {
  return upload(client, orgId, file.name, demoGcode(file));
}

async function upload(client: DemoClient, orgId: string, name: string, content: string | Buffer): Promise<string> {
  const uploaded = await client.expect<{ file: { id: string } }>(
    `upload ${name}`,
    'POST',
    `/api/orgs/${orgId}/files?name=${encodeURIComponent(name)}`,
    { raw: content, contentType: 'application/octet-stream' },
  );
  return uploaded.file.id;
}

/**
 * A mixed farm's own formats: a PrusaSlicer .bgcode for the Prusa Link printers (PLA, as the MK4 bay) and a Bambu
 * Studio 3MF for the Bambu ones (one PETG plate, red as a tray of the simulated AMS), two rounds each.
 */
export const MIXED_DEMO_FILES = {
  bgcode: 'phone-stand_0.2mm_PLA_MK4S.bgcode',
  threeMf: { 'Bambu Lab P1S': 'gridfinity-bin_PETG_P1S.3mf', 'Bambu Lab A1': 'gridfinity-bin_PETG_A1.3mf' },
} as const;

/** Bambu Studio's printer_model_id of each simulated model. */
const BAMBU_MODEL_IDS = { 'Bambu Lab P1S': 'C12', 'Bambu Lab A1': 'N2S' } as const;

async function queueMixedPrints(
  client: DemoClient,
  orgId: string,
  printers: readonly DemoPrinter[],
): Promise<{ name: string; copies: number }[]> {
  const queued: { name: string; copies: number }[] = [];
  const jobs = [
    {
      of: (printer: DemoPrinter) => printer.kind === 'prusalink',
      name: MIXED_DEMO_FILES.bgcode,
      content: () => sampleBgcode({ printerModel: 'MK4', material: 'PLA', time: '35m 0s' }),
    },
    ...(['Bambu Lab P1S', 'Bambu Lab A1'] as const).map((model) => ({
      of: (printer: DemoPrinter) => printer.kind === 'bambu' && printer.model === model,
      name: MIXED_DEMO_FILES.threeMf[model],
      content: () =>
        sampleThreeMf({
          modelId: BAMBU_MODEL_IDS[model],
          printerModel: model,
          plates: 1,
          sliced: [1],
          filaments: [{ id: 1, type: 'PETG', color: '#FF0000', grams: 8 }],
        }),
    })),
  ];
  for (const job of jobs) {
    const count = printers.filter(job.of).length;
    if (count === 0) continue;
    await client.expect(`queue ${job.name}`, 'POST', `/api/orgs/${orgId}/jobs`, {
      json: {
        fileId: await upload(client, orgId, job.name, job.content()),
        copies: count * 2,
        // Ahead of the G-code jobs, which Prusa Link printers take too.
        priority: 50,
        notes: 'Queued by npm run demo',
      },
    });
    queued.push({ name: job.name, copies: count * 2 });
  }
  return queued;
}

/**
 * Uploads the demo's G-code files and queues one job per file, with copies for about two rounds of prints. First,
 * at the top of the queue, the long print that only the printer chosen to fail may take (it requires its tag).
 */
export async function queuePrints(
  client: DemoClient,
  orgId: string,
  printers: readonly DemoPrinter[],
): Promise<{ name: string; copies: number }[]> {
  const queued: { name: string; copies: number }[] = [];
  await client.expect(`queue ${FAILURE_DEMO_FILE.name}`, 'POST', `/api/orgs/${orgId}/jobs`, {
    json: {
      fileId: await uploadGcode(client, orgId, FAILURE_DEMO_FILE),
      copies: 1,
      priority: 100,
      requiredTags: [FAILURE_DEMO_TAG],
      notes: 'Queued by npm run demo: this print fails with spaghetti',
    },
  });
  queued.push({ name: FAILURE_DEMO_FILE.name, copies: 1 });
  // A mixed farm's .bgcode and .3mf first: queued after the G-code, they would find the Prusa Link printers busy.
  if (printers.some((printer) => printer.kind !== 'octoprint')) {
    queued.push(...(await queueMixedPrints(client, orgId, printers)));
  }
  for (const file of DEMO_FILES) {
    if (!printers.some((printer) => printer.material === file.material)) continue;
    const copies = demoJobCopies(printers, file);
    await client.expect(`queue ${file.name}`, 'POST', `/api/orgs/${orgId}/jobs`, {
      json: { fileId: await uploadGcode(client, orgId, file), copies, notes: 'Queued by npm run demo' },
    });
    queued.push({ name: file.name, copies });
  }
  return queued;
}

export interface QueueSummary {
  printing: number;
  queued: number;
  awaitingBedClear: number;
  done: number;
  failed: number;
}

/** Copies by state over the active jobs. */
export async function queueSummary(client: DemoClient, orgId: string): Promise<QueueSummary> {
  const jobs = listOf<{ counts: Record<string, number> }>(
    await client.expect('list jobs', 'GET', `/api/orgs/${orgId}/jobs?status=all&limit=500`),
    'jobs',
  );
  const sum = (state: string) => jobs.reduce((total, job) => total + (job.counts[state] ?? 0), 0);
  return {
    printing: sum('printing'),
    queued: sum('queued') + sum('assigned') + sum('uploading'),
    awaitingBedClear: sum('awaiting_bed_clear'),
    done: sum('done'),
    failed: sum('failed') + sum('cancelled'),
  };
}
