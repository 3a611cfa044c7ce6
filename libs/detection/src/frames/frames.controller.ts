import { Controller, Get, Param, ParseUUIDPipe, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import type { Response } from 'express';
import { FramesService } from './frames.service';

/** Webcam frames for the dashboard: the latest of a printer, or one by id (an alert's frame). */
@ApiTags('detection')
@Controller('orgs/:orgId')
export class FramesController {
  constructor(private readonly frames: FramesService) {}

  @Get('printers/:printerId/frames/latest')
  @CheckPolicies(['read', 'Printer'])
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
    response.setHeader('cache-control', 'private, max-age=0, must-revalidate');
    response.setHeader('x-content-type-options', 'nosniff');
    return new StreamableFile(frame.stream, { type: 'image/jpeg', length: frame.bytes });
  }
}
