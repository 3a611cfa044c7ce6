import { Injectable } from '@nestjs/common';
import { sharedTable } from '@farmhand/core';
import type { EntityManager } from 'typeorm';
import { GcodeFile } from './entities/gcode-file.entity';

/** What another domain needs of a G-code file it refers to: its content address, name and analysed metadata. */
export type FileFacts = Pick<GcodeFile, 'id' | 'orgId' | 'sha256' | 'name' | 'metadata'>;

/**
 * The read provider other libraries use for G-code files (jobs: a copy's file to match and to count filament), inside
 * the caller's transaction. Deleted files are included: a job keeps its file.
 */
@Injectable()
export class FileDirectory {
  async facts(manager: EntityManager, fileId: string): Promise<FileFacts | null> {
    return manager.getRepository(GcodeFile).findOne({
      where: { id: fileId },
      select: { id: true, orgId: true, sha256: true, name: true, metadata: true },
    });
  }
}

/** `gcode_files` for the SQL of other libraries that must join it in one statement (the scheduler's queued jobs and their material). Read-only. */
export const GCODE_FILES_TABLE = sharedTable('gcode_files', ['id', 'org_id', 'sha256', 'name', 'metadata']);
