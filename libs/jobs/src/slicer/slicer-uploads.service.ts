import { Inject, Injectable } from '@nestjs/common';
import type { ApiKeyPrincipal, AuthorizedRequest } from '@farmhand/authz';
import { APP_CONFIG, DomainException, type AppConfig } from '@farmhand/core';
import { FilesService, receiveUpload, type FileView } from '@farmhand/files';
import type { Response } from 'express';
import { JobsService } from '../jobs.service';

/** What a slicer's upload became: the library's file and, when the slicer asked to print, the queued job. */
export interface SlicerUpload {
  orgId: string;
  file: FileView;
  duplicate: boolean;
  jobId: string | null;
}

/** Form values that mean yes, as OctoPrint reads `print` and `select` (`true`, `yes`, `1`, any case). */
export function formFlag(value: unknown): boolean {
  return typeof value === 'string' && /^(true|yes|1)$/i.test(value.trim());
}

/**
 * Slicers send straight to Farmhand (`/api/slicer/octoprint`, `/api/slicer/moonraker`): the upload goes through the
 * files service (same name rules, analysis, size limit, client-abort handling as the library's own upload) and,
 * when asked, one copy goes into the queue on the key's fleets. Only API keys: a slicer has no session.
 */
@Injectable()
export class SlicerUploadsService {
  constructor(
    private readonly files: FilesService,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The API key of the request; the routes' policy has already required `upload` on File. */
  keyOf(request: AuthorizedRequest): ApiKeyPrincipal {
    const principal = request.principal;
    if (principal?.kind !== 'apiKey')
      throw DomainException.forbidden('api_key_required', 'Slicer uploads take an API key with the upload:File scope');
    return principal;
  }

  /**
   * Receives the multipart form (`file` part; the other fields are read once it is complete), stores the file and
   * queues one copy when `wantsPrint(fields)` says so. `beforeStore` sees the fields sent before the file part.
   */
  async receive(
    request: AuthorizedRequest,
    response: Response,
    wantsPrint: (fields: Record<string, unknown>) => boolean,
    beforeStore: (fields: Record<string, unknown>) => void = () => undefined,
  ): Promise<SlicerUpload> {
    const key = this.keyOf(request);
    const fields = () => (request.body ?? {}) as Record<string, unknown>;
    const result = await receiveUpload(
      request,
      response,
      { maxBytes: this.files.maxUploadBytes, queryName: undefined },
      async (upload) => {
        try {
          beforeStore(fields());
        } catch (error) {
          upload.source.destroy();
          throw error;
        }
        return this.files.upload(key, key.orgId, upload);
      },
    );
    beforeStore(fields());
    if (!wantsPrint(fields())) return { ...result, orgId: key.orgId, jobId: null };
    const job = await this.jobs.queueSlicerUpload(key, request.ability!, key.orgId, result.file.id);
    return { ...result, orgId: key.orgId, jobId: job.id };
  }

  /** Where the dashboard's API shows a file (OctoPrint's `refs`). */
  fileUrls(orgId: string, fileId: string): { resource: string; download: string } {
    const base = `${this.config.PUBLIC_URL.replace(/\/+$/, '')}/api/orgs/${orgId}/files/${fileId}`;
    return { resource: base, download: `${base}/content` };
  }
}
