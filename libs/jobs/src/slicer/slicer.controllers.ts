import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { AcceptsRawBody, ApiErrors, DomainException } from '@farmhand/core';
import type { Response } from 'express';
import { MoonrakerServerInfoDto, MoonrakerUploadDto, OctoPrintUploadDto, OctoPrintVersionDto } from './slicer.dto';
import { formFlag, SlicerUploadsService } from './slicer-uploads.service';

/** The OctoPrint release whose API subset the slicer routes speak (PrusaSlicer wants `text` to start "OctoPrint"). */
export const OCTOPRINT_COMPATIBLE_VERSION = '1.10.3';
export const MOONRAKER_COMPATIBLE_VERSION = 'v0.9.3';

/** Errors every slicer upload may answer, besides a missing or unscoped key (401/403, common to all routes). */
const UPLOAD_ERRORS = {
  400: [
    'file_required',
    'invalid_file_name',
    'invalid_multipart',
    'not_gcode',
    'unexpected_file',
    'unsupported_upload_type',
    'unknown_fleet',
    'fleets_required',
  ],
  403: ['api_key_required'],
  409: ['upload_conflict'],
  413: ['file_too_large'],
};

const MULTIPART = (fields: Record<string, { type: 'string'; description: string }>) => ({
  requestBody: {
    required: true,
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          required: ['file'],
          properties: { file: { type: 'string', format: 'binary' }, ...fields },
        },
      },
    },
  },
});

/**
 * OctoPrint's upload API, the part slicers use (PrusaSlicer, OrcaSlicer, Bambu Studio, Cura's OctoPrint host type):
 * host URL `<PUBLIC_URL>/api/slicer/octoprint`, API key = a Farmhand key with the `upload:File` scope (`X-Api-Key`).
 */
@ApiTags('slicer')
@Controller('slicer/octoprint/api')
export class SlicerOctoPrintController {
  constructor(private readonly slicer: SlicerUploadsService) {}

  /** What a slicer's "Test" button reads: OctoPrint's version document. */
  @Get('version')
  @CheckPolicies(['upload', 'File'])
  @ApiOkResponse({ type: OctoPrintVersionDto })
  @ApiErrors({ 403: ['api_key_required'] })
  version(@Req() request: AuthorizedRequest): OctoPrintVersionDto {
    this.slicer.keyOf(request);
    return {
      api: '0.1',
      server: OCTOPRINT_COMPATIBLE_VERSION,
      text: `OctoPrint ${OCTOPRINT_COMPATIBLE_VERSION} (Farmhand slicer upload)`,
    };
  }

  /**
   * The file into the library (`file` part); `print=true` also queues one copy on the key's fleets. `select` and
   * `path` are accepted and ignored (the library has no folders; nothing is selected on a printer).
   */
  @Post('files/local')
  @AcceptsRawBody()
  @HttpCode(201)
  @CheckPolicies(['upload', 'File'])
  @ApiOperation(
    MULTIPART({
      print: { type: 'string', description: '`true`: queue one copy' },
      select: { type: 'string', description: 'Ignored' },
      path: { type: 'string', description: 'Ignored' },
    }),
  )
  @ApiCreatedResponse({ type: OctoPrintUploadDto })
  @ApiErrors(UPLOAD_ERRORS)
  async upload(
    @Req() request: AuthorizedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<OctoPrintUploadDto> {
    const uploaded = await this.slicer.receive(request, response, (fields) => formFlag(fields.print));
    const refs = this.slicer.fileUrls(uploaded.orgId, uploaded.file.id);
    response.setHeader('Location', refs.resource);
    const name = uploaded.file.name;
    return {
      done: true,
      files: { local: { name, display: name, path: name, origin: 'local', refs } },
      farmhand: { fileId: uploaded.file.id, duplicate: uploaded.duplicate, jobId: uploaded.jobId },
    };
  }
}

/**
 * Moonraker's upload API, as OrcaSlicer's Klipper (Moonraker) host type uses it: host URL
 * `<PUBLIC_URL>/api/slicer/moonraker`, the same `upload:File` key in `X-Api-Key`.
 */
@ApiTags('slicer')
@Controller('slicer/moonraker/server')
export class SlicerMoonrakerController {
  constructor(private readonly slicer: SlicerUploadsService) {}

  /** What the slicer queries first: `result.moonraker_version`. */
  @Get('info')
  @CheckPolicies(['upload', 'File'])
  @ApiOkResponse({ type: MoonrakerServerInfoDto })
  @ApiErrors({ 403: ['api_key_required'] })
  info(@Req() request: AuthorizedRequest): MoonrakerServerInfoDto {
    this.slicer.keyOf(request);
    return {
      result: {
        moonraker_version: `${MOONRAKER_COMPATIBLE_VERSION}-farmhand`,
        api_version: [1, 5, 0],
        api_version_string: '1.5.0',
        klippy_connected: true,
        klippy_state: 'ready',
        components: ['file_manager'],
        failed_components: [],
        registered_directories: ['gcodes'],
        warnings: [],
      },
    };
  }

  /**
   * The file into the library (`file` part, `root` must be `gcodes` when given); `print=true` queues one copy on the
   * key's fleets. `path` is accepted and ignored; `checksum` is not checked (the transport protects the bytes).
   */
  @Post('files/upload')
  @AcceptsRawBody()
  @HttpCode(201)
  @CheckPolicies(['upload', 'File'])
  @ApiOperation(
    MULTIPART({
      root: { type: 'string', description: '`gcodes` (the default); any other root is refused' },
      print: { type: 'string', description: '`true`: queue one copy' },
      path: { type: 'string', description: 'Ignored' },
    }),
  )
  @ApiCreatedResponse({ type: MoonrakerUploadDto })
  @ApiErrors({ ...UPLOAD_ERRORS, 400: [...UPLOAD_ERRORS[400], 'invalid_root'] })
  async upload(
    @Req() request: AuthorizedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MoonrakerUploadDto> {
    const uploaded = await this.slicer.receive(
      request,
      response,
      (fields) => formFlag(fields.print),
      (fields) => {
        if (fields.root !== undefined && fields.root !== 'gcodes')
          throw DomainException.invalid('invalid_root', 'root must be "gcodes": Farmhand keeps only G-code', 'root');
      },
    );
    return {
      result: {
        item: {
          path: uploaded.file.name,
          root: 'gcodes',
          modified: Math.floor(new Date(uploaded.file.createdAt).getTime() / 1000),
          size: uploaded.file.sizeBytes,
          permissions: 'rw',
        },
        print_started: false,
        print_queued: uploaded.jobId !== null,
        action: 'create_file',
        farmhand: { fileId: uploaded.file.id, duplicate: uploaded.duplicate, jobId: uploaded.jobId },
      },
    };
  }
}
