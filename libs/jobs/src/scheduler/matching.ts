/** A printer the scheduler may start a print on now, with what it offers. */
export interface ReadyPrinter {
  id: string;
  orgId: string;
  fleetId: string;
  material: string | null;
  nozzleDiameter: number | null;
  buildX: number | null;
  buildY: number | null;
  buildZ: number | null;
  tags: string[];
}

/** A job with queued copies, in queue order, with what it needs. */
export interface QueuedJob {
  id: string;
  queued: number;
  material: string | null;
  /** The file's own material: preferred when the job itself requires none. */
  fileMaterial: string | null;
  nozzleDiameter: number | null;
  minBuildX: number | null;
  minBuildY: number | null;
  minBuildZ: number | null;
  fleetIds: string[];
  requiredTags: string[];
}

export interface Assignment {
  jobId: string;
  printerId: string;
  fleetId: string;
}

/** Nozzles are compared to a hundredth of a millimetre (0.4 and 0.40000001 are the same nozzle). */
const NOZZLE_TOLERANCE = 0.005;

function sameMaterial(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * Every requirement, each one a hard rule: the material loaded (a printer with no declared material accepts any,
 * but is chosen last), the nozzle, the build volume on each axis (an unknown build volume fails a size
 * requirement), the fleets, every required tag.
 */
export function meetsRequirements(job: QueuedJob, printer: ReadyPrinter): boolean {
  if (job.material !== null && printer.material !== null && !sameMaterial(job.material, printer.material)) return false;
  if (job.nozzleDiameter !== null) {
    if (printer.nozzleDiameter === null || Math.abs(printer.nozzleDiameter - job.nozzleDiameter) > NOZZLE_TOLERANCE)
      return false;
  }
  if (job.minBuildX !== null && (printer.buildX === null || printer.buildX < job.minBuildX)) return false;
  if (job.minBuildY !== null && (printer.buildY === null || printer.buildY < job.minBuildY)) return false;
  if (job.minBuildZ !== null && (printer.buildZ === null || printer.buildZ < job.minBuildZ)) return false;
  if (job.fleetIds.length && !job.fleetIds.includes(printer.fleetId)) return false;
  for (const tag of job.requiredTags) if (!printer.tags.includes(tag)) return false;
  return true;
}

/** Lower is better: the material already loaded first, then the smallest bed that fits (big ones stay free). */
function preference(job: QueuedJob, printer: ReadyPrinter): [number, number] {
  const wanted = job.material ?? job.fileMaterial;
  const materialRank = sameMaterial(wanted, printer.material) ? 0 : printer.material === null ? 2 : 1;
  const volume = (printer.buildX ?? 1e4) * (printer.buildY ?? 1e4) * (printer.buildZ ?? 1e4);
  return [materialRank, volume];
}

function signature(job: QueuedJob): string {
  return JSON.stringify([
    job.material?.trim().toLowerCase() ?? null,
    job.fileMaterial?.trim().toLowerCase() ?? null,
    job.nozzleDiameter,
    job.minBuildX,
    job.minBuildY,
    job.minBuildZ,
    [...job.fleetIds].sort(),
    [...job.requiredTags].sort(),
  ]);
}

/**
 * Greedy assignment in queue order: each queued copy of each job, highest priority and oldest first, takes the
 * best ready printer that meets every requirement and whose fleet still has start budget (the stagger). Jobs with
 * the same requirements share one sorted candidate list, so a queue of many similar jobs costs one filter of the
 * printers, not one per job; the pass ends as soon as no printer or no budget is left.
 */
export function matchCopies(
  jobs: Iterable<QueuedJob>,
  printers: readonly ReadyPrinter[],
  budgetByFleet: Map<string, number>,
): Assignment[] {
  const assignments: Assignment[] = [];
  const taken = new Set<string>();
  const candidatesBySignature = new Map<string, { printers: ReadyPrinter[]; cursor: number }>();
  let budgetLeft = [...budgetByFleet.values()].reduce((sum, value) => sum + Math.max(0, value), 0);

  for (const job of jobs) {
    if (taken.size === printers.length || budgetLeft <= 0) break;
    const key = signature(job);
    let candidates = candidatesBySignature.get(key);
    if (!candidates) {
      const eligible = printers.filter((printer) => !taken.has(printer.id) && meetsRequirements(job, printer));
      const ranked = eligible
        .map((printer) => ({ printer, rank: preference(job, printer) }))
        .sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || (a.printer.id < b.printer.id ? -1 : 1));
      candidates = { printers: ranked.map((entry) => entry.printer), cursor: 0 };
      candidatesBySignature.set(key, candidates);
    }
    let wanted = job.queued;
    // Printers skipped for lack of fleet budget stay candidates for later jobs of the same signature only if their
    // fleet regains budget, which it cannot within one pass: the cursor moves past them for good.
    for (let index = candidates.cursor; wanted > 0 && index < candidates.printers.length; index++) {
      const printer = candidates.printers[index]!;
      if (taken.has(printer.id)) {
        if (index === candidates.cursor) candidates.cursor++;
        continue;
      }
      const budget = budgetByFleet.get(printer.fleetId) ?? 0;
      if (budget <= 0) {
        if (index === candidates.cursor) candidates.cursor++;
        continue;
      }
      taken.add(printer.id);
      budgetByFleet.set(printer.fleetId, budget - 1);
      budgetLeft--;
      if (index === candidates.cursor) candidates.cursor++;
      assignments.push({ jobId: job.id, printerId: printer.id, fleetId: printer.fleetId });
      wanted--;
    }
  }
  return assignments;
}
