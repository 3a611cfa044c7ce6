import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LABELLED_ATTEMPT } from '../frames/frames.repository';

export type DatasetLabel = 'failure' | 'ok';
export type DatasetLabelSource = 'person' | 'alert_confirmed' | 'false_alarm' | 'print_outcome';

export interface LabelledFrame {
  id: string;
  printerId: string;
  copyId: string | null;
  /** Which print the frame belongs to (`copy:<id>` or `print:<event>`); null when the printer was idle. */
  printKey: string | null;
  takenAt: Date;
  score: number | null;
  bytes: number;
  storagePath: string;
  label: DatasetLabel;
  source: DatasetLabelSource;
}

/** Frames this long before an alert and after it take the alert's verdict (the score over time lags the picture). */
export const LABEL_WINDOW_BEFORE_SECONDS = 60;
export const LABEL_WINDOW_AFTER_SECONDS = 120;

type LabelledRow = Omit<LabelledFrame, 'label' | 'source'> & {
  personLabel: DatasetLabel | null;
  alertState: string | null;
  goodPrint: boolean;
};

/** Every frame's label evidence: a person's label, the strongest alert verdict around it, a good print outcome. */
const LABELLED_COLUMNS = `SELECT f.id, f.printer_id AS "printerId", f.copy_id AS "copyId", f.print_key AS "printKey",
        f.taken_at AS "takenAt", f.score, f.bytes, f.storage_path AS "storagePath",
        (SELECT l.label FROM detection_frame_labels l WHERE l.frame_id = f.id) AS "personLabel",
        (SELECT a.state FROM detection_alerts a
          WHERE a.printer_id = f.printer_id AND a.state IN ('confirmed', 'false_alarm')
            AND (a.frame_id = f.id
                 OR f.taken_at BETWEEN a.created_at - interval '${LABEL_WINDOW_BEFORE_SECONDS} seconds' AND a.created_at + interval '${LABEL_WINDOW_AFTER_SECONDS} seconds')
          ORDER BY (a.state = 'confirmed') DESC LIMIT 1) AS "alertState",
        (f.copy_id IS NOT NULL AND EXISTS (${LABELLED_ATTEMPT.replace('$OUTCOME', "= 'good'")})) AS "goodPrint"
   FROM detection_frames f`;
/**
 * The organization's frames that may carry a label ($1 = org id), found from the labels' side (people's labels,
 * resolved alerts and their windows, good prints) rather than by testing every frame: an organization keeps
 * millions of unlabelled frames within the retention.
 */
const ORGANIZATION_CANDIDATES = `SELECT l.frame_id FROM detection_frame_labels l WHERE l.org_id = $1
  UNION
  SELECT a.frame_id FROM detection_alerts a
   WHERE a.org_id = $1 AND a.state IN ('confirmed', 'false_alarm') AND a.frame_id IS NOT NULL
  UNION
  SELECT w.id FROM detection_alerts a
    JOIN detection_frames w ON w.printer_id = a.printer_id
     AND w.taken_at BETWEEN a.created_at - interval '${LABEL_WINDOW_BEFORE_SECONDS} seconds'
                        AND a.created_at + interval '${LABEL_WINDOW_AFTER_SECONDS} seconds'
   WHERE a.org_id = $1 AND a.state IN ('confirmed', 'false_alarm')
  UNION
  SELECT f.id FROM detection_frames f
   WHERE f.org_id = $1 AND f.copy_id IS NOT NULL AND EXISTS (${LABELLED_ATTEMPT.replace('$OUTCOME', "= 'good'")})`;
const IS_LABELLED = `"personLabel" IS NOT NULL OR "alertState" IS NOT NULL OR "goodPrint"`;

function toLabelledFrame({ personLabel, alertState, goodPrint: _goodPrint, ...row }: LabelledRow): LabelledFrame {
  if (personLabel) return { ...row, label: personLabel, source: 'person' };
  return {
    ...row,
    label: alertState === 'confirmed' ? 'failure' : 'ok',
    source:
      alertState === 'confirmed' ? 'alert_confirmed' : alertState === 'false_alarm' ? 'false_alarm' : 'print_outcome',
  };
}

/**
 * Frames operators labelled, oldest first, one page at a time (keyset on taken_at, id). Labels, strongest first: a
 * person's own label on the frame (`person`, detection_frame_labels) beats every verdict; a
 * confirmed alert makes the frames around it `failure`; a false alarm makes them `ok`; a copy whose bed-clear outcome
 * a person recorded good (not an auto-eject printer's own `good`) makes all its frames `ok`. A bad outcome labels
 * nothing by itself: its early frames show a good print, and only an alert locates the failure in time.
 */
@Injectable()
export class DatasetRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Scans up to `scan` frames of the range after `after` (keyset on taken_at, id) and returns the labelled ones among
   * them, with the cursor for the next scan (null when the range is exhausted).
   */
  async page(
    orgId: string,
    range: { from: Date; to: Date },
    after: { takenAt: Date; id: string } | null,
    scan: number,
  ): Promise<{ frames: LabelledFrame[]; next: { takenAt: Date; id: string } | null }> {
    const scanned = (await this.dataSource.query(
      `SELECT id, taken_at AS "takenAt" FROM detection_frames
        WHERE org_id = $1 AND taken_at >= $2 AND taken_at < $3
          AND ($4::timestamptz IS NULL OR (taken_at, id) > ($4::timestamptz, $5::uuid))
        ORDER BY taken_at, id
        LIMIT $6`,
      [orgId, range.from, range.to, after?.takenAt ?? null, after?.id ?? null, scan],
    )) as { id: string; takenAt: Date }[];
    if (scanned.length === 0) return { frames: [], next: null };
    const rows = (await this.dataSource.query(
      `SELECT * FROM (${LABELLED_COLUMNS} WHERE f.id = ANY($1)) labelled
        WHERE ${IS_LABELLED}
        ORDER BY "takenAt", id`,
      [scanned.map((row) => row.id)],
    )) as LabelledRow[];
    const last = scanned[scanned.length - 1]!;
    return {
      frames: rows.map(toLabelledFrame),
      next: scanned.length < scan ? null : { takenAt: last.takenAt, id: last.id },
    };
  }

  /**
   * The organization's newest labelled frames (at most `limit`), newest first, for training its detector.
   */
  async newest(orgId: string, limit: number): Promise<LabelledFrame[]> {
    return (
      (await this.dataSource.query(
        `SELECT * FROM (${LABELLED_COLUMNS} WHERE f.org_id = $1 AND f.id IN (${ORGANIZATION_CANDIDATES})) labelled
        WHERE ${IS_LABELLED}
        ORDER BY "takenAt" DESC, id DESC
        LIMIT $2`,
        [orgId, limit],
      )) as LabelledRow[]
    ).map(toLabelledFrame);
  }

  /** How many of the organization's frames carry each label, and where the labels came from. */
  async counts(orgId: string): Promise<{ failure: number; ok: number; fromVerdicts: number; fromPeople: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE label = 'failure')::int AS failure,
              count(*) FILTER (WHERE label = 'ok')::int AS ok,
              count(*) FILTER (WHERE NOT person)::int AS "fromVerdicts",
              count(*) FILTER (WHERE person)::int AS "fromPeople"
         FROM (SELECT "personLabel" IS NOT NULL AS person,
                      COALESCE("personLabel", CASE WHEN "alertState" = 'confirmed' THEN 'failure' ELSE 'ok' END) AS label
                 FROM (${LABELLED_COLUMNS} WHERE f.org_id = $1 AND f.id IN (${ORGANIZATION_CANDIDATES})) labelled
                WHERE ${IS_LABELLED}) counted`,
      [orgId],
    )) as { failure: number; ok: number; fromVerdicts: number; fromPeople: number }[];
    return row ?? { failure: 0, ok: 0, fromVerdicts: 0, fromPeople: 0 };
  }
}
