import { Controller, Get, Param, ParseUUIDPipe, Post, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { AcceptsRawBody, ApiErrors } from '@farmhand/core';
import type { Response } from 'express';
import { MaintenancePhotoDto } from '../dto/maintenance-responses.dto';
import { MAX_PHOTO_BYTES, PHOTO_TYPES } from './photo-image';
import { readPhotoBody } from './photo-body';
import { MaintenancePhotosService } from './maintenance-photos.service';

const OrgId = () => Param('orgId', ParseUUIDPipe);
const CompletionId = () => Param('completionId', ParseUUIDPipe);
const binary = { schema: { type: 'string', format: 'binary' } };

/** Photos on a maintenance record: operators add them (1 to 5) on printers they may change; members see them. */
@ApiTags('maintenance')
@Controller('orgs/:orgId/maintenance/completions/:completionId/photos')
export class MaintenancePhotosController {
  constructor(private readonly photos: MaintenancePhotosService) {}

  @Post()
  @AcceptsRawBody()
  @CheckPolicies(['complete', 'MaintenanceTask'])
  @ApiOperation({
    summary: 'Add a photo to a maintenance record',
    description: `The image as the raw body (${PHOTO_TYPES.join(', ')}), at most ${MAX_PHOTO_BYTES} bytes; stored re-encoded as JPEG without metadata.`,
    requestBody: { required: true, content: Object.fromEntries(PHOTO_TYPES.map((type) => [type, binary])) },
  })
  @ApiCreatedResponse({ type: MaintenancePhotoDto })
  @ApiErrors({
    400: ['photo_unreadable', 'photo_type_mismatch', 'photo_incomplete'],
    404: ['maintenance_completion_not_found'],
    409: ['maintenance_photo_limit'],
    413: ['photo_too_large', 'photo_too_many_pixels'],
    415: ['photo_type'],
  })
  async add(
    @OrgId() orgId: string,
    @CompletionId() completionId: string,
    @Req() request: AuthorizedRequest,
    @Res({ passthrough: true }) response: Response,
  ) {
    const completion = await this.photos.admit(request.ability!, orgId, completionId);
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const body = await readPhotoBody(request, response, MAX_PHOTO_BYTES);
    return this.photos.add(request.principal!, completion, body, type);
  }

  @Get(':photoId')
  @CheckPolicies(['read', 'MaintenanceTask'], ['read', 'Printer'])
  @ApiOkResponse({ description: 'The photo, JPEG', content: { 'image/jpeg': binary } })
  @ApiErrors({ 404: ['maintenance_photo_not_found', 'maintenance_completion_not_found'] })
  async read(
    @OrgId() orgId: string,
    @CompletionId() completionId: string,
    @Param('photoId', ParseUUIDPipe) photoId: string,
    @Req() request: AuthorizedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const photo = await this.photos.read(request.ability!, orgId, completionId, photoId);
    response.setHeader('cache-control', 'private, max-age=0, must-revalidate');
    response.setHeader('x-content-type-options', 'nosniff');
    return new StreamableFile(photo.bytes, { type: 'image/jpeg', length: photo.bytes.length });
  }
}
