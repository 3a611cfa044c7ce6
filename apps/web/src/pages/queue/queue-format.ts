import { formatDate } from '../../lib/format';
import type { CopyState, GcodeFile, PrintJob } from '../../lib/api/views';

export const COPY_STATE_LABELS: Record<CopyState, string> = {
  queued: 'Queued',
  assigned: 'Assigned',
  uploading: 'Uploading',
  printing: 'Printing',
  awaiting_bed_clear: 'Awaiting bed clear',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export const COPY_STATE_TONE: Record<CopyState, string> = {
  queued: 'status-muted',
  assigned: 'status-muted',
  uploading: 'status-warn',
  printing: 'status-ok',
  awaiting_bed_clear: 'status-warn',
  done: 'status-ok',
  failed: 'status-bad',
  cancelled: 'status-muted',
};

export const JOB_STATUS_LABELS: Record<PrintJob['status'], string> = {
  queued: 'Queued',
  held: 'On hold',
  printing: 'Printing',
  finished: 'Finished',
  cancelled: 'Cancelled',
};

/**
 * What a job's badge says, from its copies rather than the API's coarse `status` (which counts a plate waiting to be
 * cleared as printing): green "Printing" only while a copy prints.
 */
export function jobBadge(job: Pick<PrintJob, 'status' | 'counts' | 'held'>): { label: string; tone: string } {
  const { counts } = job;
  if (job.status === 'cancelled') return { label: 'Cancelled', tone: 'status-muted' };
  if (job.status === 'finished') return { label: 'Finished', tone: 'status-muted' };
  if (counts.printing > 0) return { label: 'Printing', tone: 'status-ok' };
  if (counts.assigned + counts.uploading > 0) return { label: 'Starting', tone: 'status-muted' };
  if (counts.awaiting_bed_clear > 0 && counts.queued === 0) return { label: 'Bed to clear', tone: 'status-warn' };
  if (job.held) return { label: 'On hold', tone: 'status-warn' };
  if (counts.awaiting_bed_clear > 0) return { label: 'Queued · bed to clear', tone: 'status-warn' };
  return { label: 'Queued', tone: 'status-muted' };
}

const span = (min: number, max: number) => Math.ceil((max - min) * 10) / 10;

export function extentOf(file: GcodeFile): string {
  const extent = file.metadata.extent;
  if (!extent) return '—';
  return `${span(extent.min.x, extent.max.x)} × ${span(extent.min.y, extent.max.y)} × ${Math.ceil(extent.max.z * 10) / 10} mm`;
}

/** The smallest build volume a file needs, as the job form's defaults. */
export function minimumBuildOf(file: GcodeFile | undefined): { x: string; y: string; z: string } {
  const extent = file?.metadata.extent;
  if (!extent) return { x: '', y: '', z: '' };
  return {
    x: String(span(extent.min.x, extent.max.x)),
    y: String(span(extent.min.y, extent.max.y)),
    z: String(Math.ceil(extent.max.z * 10) / 10),
  };
}

export function filamentOf(file: GcodeFile): string {
  const { filamentWeightGrams: grams, filamentLengthMm: mm } = file.metadata;
  if (grams !== null) return `${grams.toFixed(1)} g`;
  if (mm !== null) return `${(mm / 1000).toFixed(2)} m`;
  return '—';
}

/** The largest thumbnail a browser can show (QOI is not an image format browsers read). */
export function thumbnailOf(orgId: string, file: GcodeFile): string | null {
  const shown = file.thumbnails
    .filter((thumbnail) => thumbnail.format !== 'qoi')
    .sort((a, b) => b.width * b.height - a.width * a.height)[0];
  return shown ? `/api/orgs/${orgId}/files/${file.id}/thumbnails/${shown.index}` : null;
}

export function countsSummary(job: PrintJob): string {
  const parts = (Object.keys(COPY_STATE_LABELS) as CopyState[])
    .filter((state) => job.counts[state] > 0)
    .map((state) => `${job.counts[state]} ${COPY_STATE_LABELS[state].toLowerCase()}`);
  return parts.join(' · ') || '—';
}

export function requirementsSummary(
  job: PrintJob,
  fleetName: (id: string) => string,
  printerName: (id: string) => string = () => 'its pinned printer',
): string {
  const r = job.requirements;
  const parts = [
    r.pinnedPrinterId ? `on ${printerName(r.pinnedPrinterId)} only` : null,
    r.material,
    r.nozzleDiameter !== null ? `${r.nozzleDiameter} mm nozzle` : null,
    r.minBuildX !== null || r.minBuildY !== null || r.minBuildZ !== null
      ? `bed ≥ ${r.minBuildX ?? '?'}×${r.minBuildY ?? '?'}×${r.minBuildZ ?? '?'} mm`
      : null,
    r.fleetIds.length ? `fleets: ${r.fleetIds.map(fleetName).join(', ')}` : null,
    r.requiredTags.length ? `tags: ${r.requiredTags.join(', ')}` : null,
    r.earliestStartAt ? `not before ${formatDate(r.earliestStartAt)}` : null,
  ];
  return parts.filter(Boolean).join(' · ') || 'Any printer';
}
