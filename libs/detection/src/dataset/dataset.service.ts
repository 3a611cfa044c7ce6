import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import type { Principal } from '@farmhand/authz';
import { DomainException, LOGGER } from '@farmhand/core';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { FrameStorage } from '../frames/frame-storage';
import { DatasetRepository, type LabelledFrame } from './dataset.repository';
import { TarWriter } from './tar-writer';

/** Most frames one export holds; a larger range is cut there (manifest.json says so) and taken in parts. */
export const DATASET_MAX_FRAMES = 100_000;
/** Longest range one export may ask for. */
export const DATASET_MAX_RANGE_DAYS = 366;
const SCAN = 1_000;
const CSV_HEADER = 'frame_id,printer_id,copy_id,taken_at,score,label,source\n';

export interface DatasetRange {
  from: Date;
  to: Date;
}

/**
 * The labelled-frames dataset as a plain tar: `images/<frameId>.jpg` for each labelled frame, then `labels.csv` and
 * `manifest.json`. Streamed: images go out as they are read; the CSV is spooled to a temporary file (its size must
 * be known for its tar header) and appended at the end, so memory stays flat whatever the range.
 */
@Injectable()
export class DatasetService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dataset: DatasetRepository,
    private readonly storage: FrameStorage,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  range(from: string | undefined, to: string | undefined): DatasetRange {
    const end = to ? new Date(to) : new Date();
    const start = from ? new Date(from) : new Date(end.getTime() - 30 * 24 * 3600 * 1000);
    if (Number.isNaN(start.getTime()))
      throw DomainException.invalid('invalid_date', 'from must be an ISO date', 'from');
    if (Number.isNaN(end.getTime())) throw DomainException.invalid('invalid_date', 'to must be an ISO date', 'to');
    if (start >= end) throw DomainException.invalid('invalid_range', 'from must be before to', 'from');
    if (end.getTime() - start.getTime() > DATASET_MAX_RANGE_DAYS * 24 * 3600 * 1000) {
      throw DomainException.invalid('range_too_long', `Ask for at most ${DATASET_MAX_RANGE_DAYS} days at once`, 'from');
    }
    return { from: start, to: end };
  }

  async recordExport(principal: Principal, orgId: string, range: DatasetRange): Promise<void> {
    await this.audit.record(this.dataSource.manager, {
      orgId,
      principal,
      action: 'detection.datasetExported',
      subject: { type: 'Alert', id: null },
      details: { from: range.from.toISOString(), to: range.to.toISOString() },
    });
  }

  async write(orgId: string, range: DatasetRange, out: Writable): Promise<{ frames: number; truncated: boolean }> {
    const spool = await mkdtemp(join(tmpdir(), 'farmhand-dataset-'));
    const csvPath = join(spool, 'labels.csv');
    const csv = createWriteStream(csvPath);
    const tar = new TarWriter(out);
    let frames = 0;
    let truncated = false;
    try {
      await writeTo(csv, CSV_HEADER);
      let after: { takenAt: Date; id: string } | null = null;
      do {
        const page = await this.dataset.page(orgId, range, after, SCAN);
        for (const frame of page.frames) {
          if (frames >= DATASET_MAX_FRAMES) {
            truncated = true;
            break;
          }
          if (!(await this.addImage(tar, frame))) continue;
          await writeTo(csv, csvRow(frame));
          frames += 1;
        }
        after = truncated ? null : page.next;
      } while (after);
      csv.end();
      await once(csv, 'close');
      const size = (await stat(csvPath)).size;
      await tar.addStream('labels.csv', size, createReadStream(csvPath));
      const manifest = {
        format: 'farmhand-detection-dataset/1',
        organization: orgId,
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        frames,
        truncated,
        maxFrames: DATASET_MAX_FRAMES,
      };
      await tar.addBuffer('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
      await tar.finish();
      return { frames, truncated };
    } finally {
      csv.destroy();
      await rm(spool, { recursive: true, force: true });
    }
  }

  /** A frame whose file is gone (pruned meanwhile) is left out of both the images and the labels. */
  private async addImage(tar: TarWriter, frame: LabelledFrame): Promise<boolean> {
    let size: number;
    try {
      size = (await stat(this.storage.absolute(frame.storagePath))).size;
    } catch {
      this.logger.debug({ frameId: frame.id }, 'dataset: frame file missing, skipped');
      return false;
    }
    await tar.addStream(`images/${frame.id}.jpg`, size, this.storage.open(frame.storagePath), frame.takenAt);
    return true;
  }
}

function csvRow(frame: LabelledFrame): string {
  const score = frame.score === null ? '' : String(Math.round(Number(frame.score) * 10_000) / 10_000);
  return `${frame.id},${frame.printerId},${frame.copyId ?? ''},${new Date(frame.takenAt).toISOString()},${score},${frame.label},${frame.source}\n`;
}

async function writeTo(stream: Writable, text: string): Promise<void> {
  if (stream.destroyed) throw new Error('the archive reader went away');
  // A reader that goes away never drains: wait for either, so an abandoned export does not hang forever.
  if (!stream.write(text)) await Promise.race([once(stream, 'drain'), once(stream, 'close')]);
}
