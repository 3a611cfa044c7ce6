import { Fleet, Organization } from '@farmhand/accounts';
import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export interface DetectionSettings {
  /** 0.8 (fewer alerts) to 1.2 (more alerts). */
  sensitivity: number;
  autoPause: boolean;
  /** Seconds between webcam frames while printing. */
  frameIntervalSeconds: number;
  /** The bed area of the webcam picture, as fractions of its width and height; null: the whole frame. */
  regionOfInterest: { x: number; y: number; width: number; height: number } | null;
}

export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = {
  sensitivity: 1,
  autoPause: false,
  frameIntervalSeconds: 10,
  regionOfInterest: null,
};

/**
 * A printer of an organization. Live telemetry lives in Redis; this row holds identity, capabilities and
 * coarse state transitions.
 */
@Entity('printers')
@Index('printers_org_fleet', ['orgId', 'fleetId'])
@Index('printers_org_serial_unique', ['orgId', 'serial'], { unique: true, where: 'serial IS NOT NULL' })
@Index('printers_org_name_unique', ['orgId', 'name'], { unique: true })
export class Printer {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  @Column({ type: 'uuid' })
  fleetId!: string;

  /** A fleet with printers cannot be deleted: its printers are moved first. */
  @ManyToOne(() => Fleet, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'fleet_id' })
  fleet?: Fleet;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 100, default: '' })
  model!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  serial!: string | null;

  @Column({ type: 'real', nullable: true })
  buildX!: number | null;

  @Column({ type: 'real', nullable: true })
  buildY!: number | null;

  @Column({ type: 'real', nullable: true })
  buildZ!: number | null;

  @Column({ type: 'real', nullable: true })
  nozzleDiameter!: number | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  material!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags!: string[];

  /** The bed is cleared by a machine, so no human confirmation is needed between prints. */
  @Column({ type: 'boolean', default: false })
  autoEject!: boolean;

  /** Only what differs from DEFAULT_DETECTION_SETTINGS is stored; read it through `detectionSettingsOf`. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  detection!: Partial<DetectionSettings>;

  /** Last persisted state transition (offline, operational, printing, paused, error, ...). */
  /** What its agent uploads and prints (gcode, bgcode, 3mf), from the agent's hello; null until it said. */
  @Column({ type: 'text', array: true, nullable: true })
  uploadFormats!: string[] | null;

  @Column({ type: 'varchar', length: 32, default: 'offline' })
  state!: string;

  @Column({ type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}

export function detectionSettingsOf(printer: Pick<Printer, 'detection'>): DetectionSettings {
  return { ...DEFAULT_DETECTION_SETTINGS, ...printer.detection };
}
