import { pinAllows } from './pinning';
import { amsMappingFor, type FilamentSlot, type PlateFilamentNeed } from './ams-matching';

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
  /** The printer's model as the operator named it ('' or null: unknown, accepts any). */
  model?: string | null;
  /** What its agent uploads (`gcode`, `bgcode`, `3mf`); null: never said, taken as G-code only. */
  uploadFormats?: string[] | null;
  /**
   * The spools loaded on it (libs/spools), slot order. Empty: the printer's spools are not tracked, and its
   * `material` field alone speaks for what is loaded.
   */
  spools: SpoolOnPrinter[];
  /** The AMS/MMU trays its agent reported (material and colour per slot): used only when no spool is tracked. */
  reportedSlots?: FilamentSlot[] | null;
}

export interface SpoolOnPrinter {
  /** The AMS/MMU slot (tray index) it is loaded in; 0 on a single extruder. */
  slot?: number | null;
  material: string;
  colorHex: string | null;
  remainingGrams: number;
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
  /** The file's format; only printers that upload it match, unless `anyPrinterKind`. Absent: G-code. */
  fileFormat?: string;
  anyPrinterKind?: boolean;
  /** The printer model the file was sliced for; null: any. */
  printerModel?: string | null;
  /** The file's filament for one copy (its G-code header), when known. */
  filamentGrams: number | null;
  /** The file's first filament colour (`#rrggbb`), when the slicer wrote it. */
  fileColorHex: string | null;
  /** Print on this printer only (pinning.ts); absent or null: any printer meeting the requirements. */
  pinnedPrinterId?: string | null;
  /** A 3MF's filaments on the plate the job prints (material and colour per filament): matched against AMS slots. */
  filaments?: PlateFilamentNeed[];
  /** The operator's own AMS mapping: the printer's slots are then the operator's business, not matched. */
  amsMapping?: number[] | null;
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

function sameColor(a: string | null, b: string | null): boolean {
  return a === null || b === null || a.toLowerCase() === b.toLowerCase();
}

/**
 * The spool a copy would print from on a printer whose spools are tracked: one of the wanted material (the job's,
 * else the file's) and colour (when both the file and the spool name one) with at least the file's filament left.
 * Null when none qualifies: the copy waits for another printer or a fresh spool.
 */
export function spoolForCopy(job: QueuedJob, printer: ReadyPrinter): SpoolOnPrinter | null {
  const material = job.material ?? job.fileMaterial;
  const needed = job.filamentGrams ?? 0;
  return (
    printer.spools.find(
      (spool) =>
        (material === null || sameMaterial(material, spool.material)) &&
        sameColor(job.fileColorHex, spool.colorHex) &&
        spool.remainingGrams >= needed,
    ) ?? null
  );
}

/**
 * Every requirement, each one a hard rule: the material loaded (tracked spools first: one of the material and
 * colour with the file's filament left; else the printer's material field, where no declared material accepts any
 * but is chosen last), the nozzle, the build volume on each axis (an unknown build volume fails a size
 * requirement), the fleets, every required tag.
 */
export function meetsRequirements(job: QueuedJob, printer: ReadyPrinter): boolean {
  if (!pinAllows(job, printer)) return false;
  const multiMaterial = needsAmsMatching(job, printer);
  if (multiMaterial) {
    // A plate's filaments each need a slot of their material and colour: a 4-colour plate skips a 2-colour AMS.
    if (!amsMappingFor(job.filaments!, filamentSlots(printer))) return false;
  } else if (printer.spools.length) {
    // Tracked spools say what is loaded better than the printer's material field, and how much is left.
    if (!spoolForCopy(job, printer)) return false;
  } else if (job.material !== null && printer.material !== null && !sameMaterial(job.material, printer.material))
    return false;
  if (job.nozzleDiameter !== null) {
    if (printer.nozzleDiameter === null || Math.abs(printer.nozzleDiameter - job.nozzleDiameter) > NOZZLE_TOLERANCE)
      return false;
  }
  if (job.minBuildX !== null && (printer.buildX === null || printer.buildX < job.minBuildX)) return false;
  if (job.minBuildY !== null && (printer.buildY === null || printer.buildY < job.minBuildY)) return false;
  if (job.minBuildZ !== null && (printer.buildZ === null || printer.buildZ < job.minBuildZ)) return false;
  if (job.fleetIds.length && !job.fleetIds.includes(printer.fleetId)) return false;
  for (const tag of job.requiredTags) if (!printer.tags.includes(tag)) return false;
  if (!job.anyPrinterKind && !(printer.uploadFormats ?? ['gcode']).includes(job.fileFormat ?? 'gcode')) return false;
  if (job.printerModel && printer.model && normalizeModel(job.printerModel) !== normalizeModel(printer.model)) {
    return false;
  }
  return true;
}

/**
 * The slots a printer offers: its tracked spools (libs/spools, one per slot) are the truth; else the trays its
 * agent reported; else none (unknown: the printer's material field speaks, as for a single extruder).
 */
export function filamentSlots(printer: ReadyPrinter): FilamentSlot[] {
  if (printer.spools.length) {
    return printer.spools.map((spool, index) => ({
      slot: spool.slot ?? index,
      material: spool.material,
      colorHex: spool.colorHex,
      remainingGrams: spool.remainingGrams,
    }));
  }
  return printer.reportedSlots ?? [];
}

/** A 3MF job without the operator's own mapping, on a printer whose slots are known: matched slot by slot. */
function needsAmsMatching(job: QueuedJob, printer: ReadyPrinter): boolean {
  if (!job.filaments?.length || job.amsMapping?.length) return false;
  return printer.spools.length > 0 || (printer.reportedSlots?.length ?? 0) > 0;
}

const MODEL_ALIASES: Record<string, string> = { X1CARBON: 'X1C' };

/**
 * A printer model as slicers and people write it, compared without the vendor ('Original Prusa MK4S', 'Prusa MK4S'
 * and 'mk4s' are one model; 'Bambu Lab X1 Carbon' is 'X1C'), without spaces, dashes or case.
 */
export function normalizeModel(model: string): string {
  const bare = model
    .toUpperCase()
    .replace(/^(ORIGINAL\s+)?PRUSA\s+|^BAMBU\s*LAB\s+|^BAMBULAB\s+/, '')
    .replace(/[^A-Z0-9+]/g, '');
  return MODEL_ALIASES[bare] ?? bare;
}

/** Lower is better: the material already loaded first, then the smallest bed that fits (big ones stay free). */
function preference(job: QueuedJob, printer: ReadyPrinter): [number, number] {
  const volume = (printer.buildX ?? 1e4) * (printer.buildY ?? 1e4) * (printer.buildZ ?? 1e4);
  if (needsAmsMatching(job, printer)) return [0, volume];
  const wanted = job.material ?? job.fileMaterial;
  const loaded = printer.spools.length ? (spoolForCopy(job, printer)?.material ?? null) : printer.material;
  const materialRank = sameMaterial(wanted, loaded) ? 0 : loaded === null ? 2 : 1;
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
    job.fileFormat ?? 'gcode',
    job.anyPrinterKind ?? false,
    job.printerModel ? normalizeModel(job.printerModel) : null,
    job.filamentGrams,
    job.fileColorHex?.toLowerCase() ?? null,
    job.pinnedPrinterId ?? null,
    job.filaments?.map((filament) => [filament.id, filament.type, filament.color, filament.usedGrams ?? null]) ?? [],
    job.amsMapping ?? null,
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
