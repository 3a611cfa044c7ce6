import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@farmhand/audit';
import { actorOf, ForbiddenError, subject, type AppAbility, type Principal } from '@farmhand/authz';
import { APP_CONFIG, DomainEvents, DomainException, isUniqueViolation, type AppConfig } from '@farmhand/core';
import { PrinterDirectory } from '@farmhand/printers';
import { DataSource } from 'typeorm';
import { signDownloadUrl, verifyDownloadSignature } from './downloads/download-signature';
import type { GcodeFile, StoredThumbnail } from './entities/gcode-file.entity';
import { FileUsageRegistry } from './file-usage.registry';
import { FilesRepository } from './files.repository';
import { sanitizeGcodeFileName } from './gcode/file-name';
import { GcodeRejectedError } from './gcode/gcode.exception';
import { storeGcodeUpload } from './gcode/store-gcode-upload';
import { printFileFormatOf, storePrintFileUpload } from './formats/print-file';
import { FILE_STORAGE, type FileStorage } from './storage/file-storage';
import { StorageError } from './storage/storage.exception';
import type { IncomingUpload } from './upload/upload-receiver';

export interface FileView {
  id: string;
  name: string;
  sha256: string;
  sizeBytes: number;
  lineCount: number;
  metadata: GcodeFile['metadata'];
  thumbnails: (Omit<StoredThumbnail, 'sha256'> & { index: number })[];
  uploadedBy: string | null;
  uploadedByLabel: string;
  createdAt: Date;
}

export interface UploadResult {
  file: FileView;
  /** This organization already had these exact bytes: nothing new was stored, `file` is the existing one. */
  duplicate: boolean;
}

export interface DownloadStream {
  stream: Readable;
  sizeBytes: number;
  name: string;
}

export function toFileView(file: GcodeFile): FileView {
  return {
    id: file.id,
    name: file.name,
    sha256: file.sha256,
    sizeBytes: file.sizeBytes,
    lineCount: file.lineCount,
    metadata: file.metadata,
    thumbnails: file.thumbnails.map(({ sha256: _hash, ...thumbnail }, index) => ({ ...thumbnail, index })),
    uploadedBy: file.uploadedBy,
    uploadedByLabel: file.uploadedByLabel,
    createdAt: file.createdAt,
  };
}

/** Rethrows the Nest-free errors of the G-code and storage code as the API's DomainException. */
function asDomainException(error: unknown): unknown {
  if (error instanceof GcodeRejectedError || error instanceof StorageError) {
    return new DomainException(error.kind, error.code, error.message, 'field' in error ? error.field : undefined, {
      ...error.details,
    });
  }
  return error;
}

@Injectable()
export class FilesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly files: FilesRepository,
    private readonly printers: PrinterDirectory,
    private readonly usage: FileUsageRegistry,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get maxUploadBytes(): number {
    return this.config.GCODE_MAX_UPLOAD_BYTES;
  }

  /**
   * Streams an upload through the analyzer into storage (never whole in memory), then records it. The name is
   * checked before a byte is read. The same bytes uploaded twice answer the existing file with `duplicate: true`.
   */
  async upload(principal: Principal, orgId: string, upload: IncomingUpload): Promise<UploadResult> {
    let name: string;
    try {
      name = sanitizeGcodeFileName(upload.clientFileName);
    } catch (error) {
      upload.source.destroy();
      throw asDomainException(error);
    }
    let stored;
    try {
      const format = printFileFormatOf(name);
      stored =
        format === 'gcode'
          ? await storeGcodeUpload(upload.source, this.storage, {
              maxBytes: this.config.GCODE_MAX_UPLOAD_BYTES,
              signal: upload.signal,
            })
          : await storePrintFileUpload(upload.source, this.storage, format, {
              maxBytes: this.config.GCODE_MAX_UPLOAD_BYTES,
              signal: upload.signal,
            });
    } catch (error) {
      throw asDomainException(error);
    }
    const { analysis } = stored;
    const thumbnails: StoredThumbnail[] = [];
    for (const thumbnail of analysis.thumbnails) {
      const put = await this.storage.put(Readable.from([thumbnail.data]));
      thumbnails.push({
        format: thumbnail.format,
        width: thumbnail.width,
        height: thumbnail.height,
        sha256: put.sha256,
        sizeBytes: put.sizeBytes,
      });
    }
    const actor = actorOf(principal);
    try {
      const result = await this.dataSource.transaction(async (manager) => {
        await this.files.lockContent(manager, analysis.sha256);
        const existing = await this.files.findLiveBySha(orgId, analysis.sha256, manager);
        if (existing) return { file: existing, duplicate: true };
        // A deletion elsewhere may have removed the bytes between our commit and this lock.
        if (!(await this.storage.exists(analysis.sha256)))
          throw DomainException.conflict('upload_conflict', 'The file was deleted while uploading; upload it again');
        const file = await this.files.insert(manager, {
          orgId,
          name,
          sha256: analysis.sha256,
          sizeBytes: analysis.sizeBytes,
          lineCount: analysis.lineCount,
          metadata: analysis.metadata,
          thumbnails,
          uploadedBy: actor.id,
          uploadedByLabel: actor.label.slice(0, 320),
        });
        await this.audit.record(manager, {
          orgId,
          principal,
          action: 'gcodeFile.uploaded',
          subject: { type: 'File', id: file.id },
          details: { name, sha256: analysis.sha256, sizeBytes: analysis.sizeBytes },
        });
        return { file, duplicate: false };
      });
      if (!result.duplicate) this.events.emit('gcodeFile.uploaded', { orgId, fileId: result.file.id, name });
      return { file: toFileView(result.file), duplicate: result.duplicate };
    } catch (error) {
      // Two uploads of the same bytes raced past the check: the loser answers with the winner's file.
      if (isUniqueViolation(error, 'gcode_files_org_sha256_unique')) {
        const existing = await this.files.findLiveBySha(orgId, analysis.sha256);
        if (existing) return { file: toFileView(existing), duplicate: true };
      }
      throw error;
    }
  }

  async list(orgId: string, query: { search?: string; limit?: number; offset?: number }) {
    const [files, total] = await this.files.list({
      orgId,
      search: query.search,
      limit: query.limit ?? 100,
      offset: query.offset ?? 0,
    });
    return { files: files.map(toFileView), total };
  }

  async get(ability: AppAbility, orgId: string, fileId: string): Promise<GcodeFile> {
    const file = await this.files.findLive(orgId, fileId);
    if (!file || ability.cannot('read', subject('File', { ...file }))) {
      throw DomainException.notFound('file_not_found', 'File not found');
    }
    return file;
  }

  async view(ability: AppAbility, orgId: string, fileId: string): Promise<FileView> {
    return toFileView(await this.get(ability, orgId, fileId));
  }

  /** For other domains: a live file of the organization, without an ability check (the caller made one). */
  findLive(orgId: string, fileId: string): Promise<GcodeFile | null> {
    return this.files.findLive(orgId, fileId);
  }

  /** Any file, deleted or not (history). */
  findAny(orgId: string, fileId: string): Promise<GcodeFile | null> {
    return this.files.findAny(orgId, fileId);
  }

  async delete(principal: Principal, ability: AppAbility, orgId: string, fileId: string): Promise<void> {
    const file = await this.get(ability, orgId, fileId);
    ForbiddenError.from(ability).throwUnlessCan('delete', subject('File', { ...file }));
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.files.lockLive(manager, orgId, fileId)))
        throw DomainException.notFound('file_not_found', 'File not found');
      const use = await this.usage.firstUse(manager, orgId, fileId);
      if (use) throw DomainException.conflict('file_in_use', `The file cannot be deleted: ${use}`);
      await this.files.markDeleted(manager, fileId);
      await this.audit.record(manager, {
        orgId,
        principal,
        action: 'gcodeFile.deleted',
        subject: { type: 'File', id: fileId },
        details: { name: file.name, sha256: file.sha256 },
      });
    });
    this.events.emit('gcodeFile.deleted', { orgId, fileId });
    for (const sha256 of [file.sha256, ...file.thumbnails.map((thumbnail) => thumbnail.sha256)]) {
      await this.removeContentIfUnused(sha256);
    }
  }

  private async removeContentIfUnused(sha256: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.files.lockContent(manager, sha256);
      if (!(await this.files.isContentReferenced(manager, sha256))) await this.storage.delete(sha256);
    });
  }

  async openContent(ability: AppAbility, orgId: string, fileId: string): Promise<DownloadStream> {
    const file = await this.get(ability, orgId, fileId);
    return { stream: await this.open(file.sha256), sizeBytes: file.sizeBytes, name: file.name };
  }

  async openThumbnail(
    ability: AppAbility,
    orgId: string,
    fileId: string,
    index: number,
  ): Promise<{ stream: Readable; sizeBytes: number; format: string }> {
    const file = await this.get(ability, orgId, fileId);
    const thumbnail = file.thumbnails[index];
    if (!thumbnail) throw DomainException.notFound('thumbnail_not_found', 'This file has no such thumbnail');
    return { stream: await this.open(thumbnail.sha256), sizeBytes: thumbnail.sizeBytes, format: thumbnail.format };
  }

  /** A URL the printer's agent can fetch the file from without a credential, valid for a few minutes. */
  signedDownloadUrl(printerId: string, sha256: string, now = Date.now()): { url: string; expiresAt: number } {
    const expiresAt = now + this.config.GCODE_DOWNLOAD_URL_TTL_SECONDS * 1000;
    return {
      url: signDownloadUrl(this.config.PUBLIC_URL, this.config.SECRET_KEY, { printerId, sha256, expiresAt }),
      expiresAt,
    };
  }

  /**
   * Serves a signed download: the signature binds printer, file hash and expiry; the printer must still exist and
   * its organization must hold a live file with that hash, so a URL outlives neither the printer nor the file.
   */
  async openForAgent(sha256: string, query: { printer: string; expires: string; signature: string }) {
    const verdict = verifyDownloadSignature(
      this.config.SECRET_KEY,
      { printerId: query.printer, sha256, expiresAt: query.expires, signature: query.signature },
      Date.now(),
      this.config.GCODE_DOWNLOAD_URL_TTL_SECONDS * 1000,
    );
    if (!verdict.ok)
      throw DomainException.forbidden('invalid_download_url', 'This download link is invalid or has expired');
    // The grant itself is the authorization: the printer it names, whatever its organization.
    const printer = await this.printers.placement(query.printer);
    const file = printer ? await this.files.findLiveBySha(printer.orgId, sha256) : null;
    if (!file) throw DomainException.notFound('file_not_found', 'File not found');
    return { stream: await this.open(sha256), sizeBytes: file.sizeBytes, name: file.name } satisfies DownloadStream;
  }

  private async open(sha256: string): Promise<Readable> {
    try {
      return await this.storage.openRead(sha256);
    } catch (error) {
      throw asDomainException(error);
    }
  }
}
