import { Controller, Get, Param, ParseUUIDPipe, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import type { Response } from 'express';
import { FramesService } from './frames.service';

const JPEG = {
  description: 'The webcam frame; `x-frame-taken-at` says when it was taken, `x-frame-id` which frame it is',
  headers: {
    'x-frame-taken-at': { description: 'ISO 8601', schema: { type: 'string', format: 'date-time' } },
    'x-frame-id': { description: 'The frame id (to label it)', schema: { type: 'string', format: 'uuid' } },
  },
  content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } },
};

/** Webcam frames for the dashboard: the latest of a printer, or one by id (an alert's frame). */
@ApiTags('detection')
@Controller('orgs/:orgId')
export class FramesController {
  constructor(private readonly frames: FramesService) {}

  @Get('printers/:printerId/frames/latest')
  @CheckPolicies(['read', 'Printer'])
  @ApiOkResponse(JPEG)
  @ApiErrors({ 404: ['frame_not_found', 'printer_not_found'] })
  async latest(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Req() request: AuthorizedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const frame = await this.frames.openLatest(request.ability!, orgId, printerId);
    return this.send(response, frame);
  }

  @Get('frames/:frameId')
  @CheckPolicies(['read', 'Printer'])
  @ApiOkResponse(JPEG)
  @ApiErrors({ 404: ['frame_not_found'] })
  async byId(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('frameId', ParseUUIDPipe) frameId: string,
    @Req() request: AuthorizedRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const frame = await this.frames.open(request.ability!, orgId, frameId);
    return this.send(response, frame);
  }

  private send(response: Response, frame: Awaited<ReturnType<FramesService['open']>>): StreamableFile {
    response.setHeader('x-frame-taken-at', frame.takenAt.toISOString());
    response.setHeader('x-frame-id', frame.id);
    response.setHeader('cache-control', 'private, max-age=0, must-revalidate');
    response.setHeader('x-content-type-options', 'nosniff');
    return new StreamableFile(frame.stream, { type: 'image/jpeg', length: frame.bytes });
  }
}
