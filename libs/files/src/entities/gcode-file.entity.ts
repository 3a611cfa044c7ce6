import { Organization } from '@farmhand/accounts';
import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { GcodeMetadata, ThumbnailFormat } from '../gcode/gcode-analysis';

/** An embedded preview image; its bytes live in the content-addressed storage under `sha256`. */
export interface StoredThumbnail {
  format: ThumbnailFormat;
  width: number;
  height: number;
  sha256: string;
  sizeBytes: number;
}

/**
 * One G-code file of an organization's library. The bytes live in FileStorage under `sha256` (shared between
 * organizations that upload the same bytes); this row is the organization's reference to them. Deleting a file
 * keeps the row (print history names it) and sets `deletedAt`; the bytes go when no live row references them.
 */
@Entity('gcode_files')
@Index('gcode_files_org_sha256_unique', ['orgId', 'sha256'], { unique: true, where: 'deleted_at IS NULL' })
@Index('gcode_files_org_created', ['orgId', 'createdAt'])
@Index('gcode_files_sha256', ['sha256'])
export class GcodeFile {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orgId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'org_id' })
  organization?: Organization;

  /** Sanitized (sanitizeGcodeFileName): no path, no control characters, at most 200 bytes. */
  @Column({ type: 'varchar', length: 255 })
  name!: string;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @Column({ type: 'bigint', transformer: { to: (value: number) => value, from: (value: string) => Number(value) } })
  sizeBytes!: number;

  @Column({ type: 'integer', default: 0 })
  lineCount!: number;

  @Column({ type: 'jsonb' })
  metadata!: GcodeMetadata;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  thumbnails!: StoredThumbnail[];

  /** Who uploaded it, as the audit log names actors (user id, API key id). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  uploadedBy!: string | null;

  @Column({ type: 'varchar', length: 320, default: '' })
  uploadedByLabel!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  deletedAt!: Date | null;
}
