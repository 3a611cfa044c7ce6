import { Organization } from '@farmhand/accounts';
import { Printer } from '@farmhand/printers';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One webcam frame an agent uploaded. The JPEG lives on disk under DATA_DIR/frames (`storagePath` is relative to
 * that directory); the row says whose it is, which print it belongs to and, once inferred, its frame score.
 */
@Entity('detection_frames')
@Index('detection_frames_printer_taken', ['printerId', 'takenAt'])
@Index('detection_frames_org_taken', ['orgId', 'takenAt'])
@Index('detection_frames_prunable', ['takenAt'], { where: 'kept = false' })
export class DetectionFrame {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'uuid' })
  printerId!: string;

  @ManyToOne(() => Printer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'printer_id' })
  printer?: Printer;

  /** The queued copy the printer was printing, when Farmhand started it. */
  @Column({ type: 'uuid', nullable: true })
  copyId!: string | null;

  /** Which print the frame belongs to (`copy:<id>` or `print:<start event id>`); null when the printer was idle. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  printKey!: string | null;

  @Column({ type: 'timestamptz' })
  takenAt!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ type: 'integer' })
  bytes!: number;

  @Column({ type: 'integer' })
  width!: number;

  @Column({ type: 'integer' })
  height!: number;

  @Column({ type: 'varchar', length: 300 })
  storagePath!: string;

  /** The frame score p (sum of detection confidences, or the head's probability); null until inferred. */
  @Column({ type: 'real', nullable: true })
  score!: number | null;

  @Column({ type: 'timestamptz', nullable: true })
  scoredAt!: Date | null;

  /** Why inference could not score it (e.g. FRAME_UNREADABLE); null otherwise. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  inferenceError!: string | null;

  /** Kept past the retention: frames around an alert and frames of prints operators labelled. */
  @Column({ type: 'boolean', default: false })
  kept!: boolean;
}
