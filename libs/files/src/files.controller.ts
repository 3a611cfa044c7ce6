import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { CheckPolicies, Public, type AuthorizedRequest } from '@farmhand/authz';
import { AcceptsRawBody, ApiErrors } from '@farmhand/core';
import type { Response } from 'express';
import { FileListDto, GcodeFileDto, UploadedFileDto } from './dto/file-responses.dto';
import { AgentDownloadQueryDto, ListFilesDto, UploadFileQueryDto } from './dto/file.dto';
import { FilesService, type UploadResult } from './files.service';
import { receiveUpload } from './upload/upload-receiver';

const BINARY = { schema: { type: 'string', format: 'binary' } } as const;

const THUMBNAIL_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', qoi: 'image/qoi' };

/** RFC 6266 / 5987: an ASCII fallback plus the exact UTF-8 name. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

@ApiTags('files')
@Controller('orgs/:orgId/files')
export class FilesController {
  constructor(private readonly files: FilesService) {}

  /**
   * The G-code as the raw body (`application/octet-stream`, name in `?name=`) or multipart (`file` part).
   * 201 with the new file, or 200 with the existing one and `duplicate: true` when the bytes are already here.
   */
  @Post()
  @AcceptsRawBody()
  @CheckPolicies(['create', 'File'])
  @ApiOperation({
    requestBody: {
      required: true,
      content: {
        'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
        'multipart/form-data': {
          schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } },
        },
      },
    },
  })
  @ApiCreatedResponse({ type: UploadedFileDto, description: 'A new file' })
  @ApiOkResponse({
    type: UploadedFileDto,
    description: 'These bytes were already here: the existing file, `duplicate: true`',
  })
  @ApiErrors({
    400: [
      'content_hash_mismatch',
      'file_required',
      'invalid_file_name',
      'invalid_multipart',
      'not_gcode',
      'unexpected_file',
      'unsupported_upload_type',
    ],
    409: ['upload_conflict'],
    413: ['file_too_large'],
  })
  async upload(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Query() query: UploadFileQueryDto,
    @Req() request: AuthorizedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UploadResult> {
    const result = await receiveUpload(
      request,
      response,
      { maxBytes: this.files.maxUploadBytes, queryName: query.name },
      (upload) => this.files.upload(request.principal!, orgId, upload),
    );
    response.status(result.duplicate ? 200 : 201);
    return result;
  }

  @Get()
  @CheckPolicies(['read', 'File'])
  @ApiOkResponse({ type: FileListDto, description: 'Newest first' })
  @ApiErrors()
  list(@Param('orgId', ParseUUIDPipe) orgId: string, @Query() query: ListFilesDto) {
    return this.files.list(orgId, query);
  }

  @Get(':fileId')
  @CheckPolicies(['read', 'File'])
  @ApiOkResponse({ type: GcodeFileDto })
  @ApiErrors({ 404: ['file_not_found'] })
  get(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('fileId', ParseUUIDPipe) fileId: string,
    @Req() request: AuthorizedRequest,
  ) {
    return this.files.view(request.ability!, orgId, fileId);
  }

  @Get(':fileId/content')
  @CheckPolicies(['read', 'File'])
  @ApiProduces('text/x.gcode')
  @ApiOkResponse({ description: 'The G-code, as an attachment', content: { 'text/x.gcode': BINARY } })
  @ApiErrors({ 404: ['file_not_found', 'stored_file_not_found'] })
  async content(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('fileId', ParseUUIDPipe) fileId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<StreamableFile> {
    const download = await this.files.openContent(request.ability!, orgId, fileId);
    return new StreamableFile(download.stream, {
      type: 'text/x.gcode',
      length: download.sizeBytes,
      disposition: attachment(download.name),
    });
  }

  @Get(':fileId/thumbnails/:index')
  @CheckPolicies(['read', 'File'])
  @ApiOkResponse({
    description: "One of the slicer's preview images, in its format",
    content: { 'image/png': BINARY, 'image/jpeg': BINARY, 'image/qoi': BINARY },
  })
  @ApiErrors({ 404: ['file_not_found', 'stored_file_not_found', 'thumbnail_not_found'] })
  async thumbnail(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('fileId', ParseUUIDPipe) fileId: string,
    @Param('index', ParseIntPipe) index: number,
    @Req() request: AuthorizedRequest,
  ): Promise<StreamableFile> {
    const thumbnail = await this.files.openThumbnail(request.ability!, orgId, fileId, index);
    return new StreamableFile(thumbnail.stream, {
      type: THUMBNAIL_TYPES[thumbnail.format] ?? 'application/octet-stream',
      length: thumbnail.sizeBytes,
    });
  }

  @Delete(':fileId')
  @CheckPolicies(['delete', 'File'])
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Gone from the library; print history still names it' })
  @ApiErrors({ 404: ['file_not_found'], 409: ['file_in_use'] })
  async delete(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('fileId', ParseUUIDPipe) fileId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<void> {
    await this.files.delete(request.principal!, request.ability!, orgId, fileId);
  }
}

/**
 * Where agents fetch dispatched G-code. Public because the agent's dispatcher does a plain GET of the URL it was
 * given (no credential); the HMAC over printer, hash and expiry is the authorization, checked by the service.
 */
@ApiTags('files')
@Controller('files/download')
export class FileDownloadsController {
  constructor(private readonly files: FilesService) {}

  @Get(':sha256')
  @Public()
  @ApiOkResponse({ description: 'The G-code', content: { 'text/x.gcode': BINARY } })
  @ApiErrors({
    400: ['invalid_content_hash'],
    403: ['invalid_download_url'],
    404: ['file_not_found', 'stored_file_not_found'],
  })
  async download(
    @Param('sha256') sha256: string,
    @Query() query: AgentDownloadQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const download = await this.files.openForAgent(sha256, query);
    response.setHeader('cache-control', 'no-store');
    return new StreamableFile(download.stream, { type: 'text/x.gcode', length: download.sizeBytes });
  }
}
