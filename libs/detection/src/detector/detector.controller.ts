import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { ApiErrors } from '@farmhand/core';
import {
  DetectorDto,
  DetectorHeadDto,
  FrameLabelDto,
  LabelFrameDto,
  RollbackDto,
  TrainingQueuedDto,
} from './detector.dto';
import { DetectorService } from './detector.service';
import type { DetectorHeadView, DetectorView, FrameLabelView } from './detector.views';

/** The organization's own detector: labels on frames, trainings, heads, activation and rollback. */
@ApiTags('detection')
@Controller('orgs/:orgId')
export class DetectorController {
  constructor(private readonly detector: DetectorService) {}

  /** A person's label on one frame (null when nobody labelled it), for the printer page to show beside the frame. */
  @Get('printers/:printerId/frames/:frameId/label')
  @CheckPolicies(['read', 'Printer'])
  @ApiOkResponse({ type: FrameLabelDto })
  @ApiErrors({ 404: ['frame_not_found'] })
  labelOf(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Param('frameId', ParseUUIDPipe) frameId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<FrameLabelView> {
    return this.detector.labelOf(request.principal!, orgId, printerId, frameId);
  }

  /** "This looks fine" / "This is a failure" on one frame of a printer; null removes the label. */
  @Put('printers/:printerId/frames/:frameId/label')
  @CheckPolicies(['update', 'DetectionFrame'])
  @ApiOkResponse({ type: FrameLabelDto })
  @ApiErrors({ 400: ['invalid_label'], 404: ['frame_not_found'] })
  label(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('printerId', ParseUUIDPipe) printerId: string,
    @Param('frameId', ParseUUIDPipe) frameId: string,
    @Body() body: LabelFrameDto,
    @Req() request: AuthorizedRequest,
  ): Promise<FrameLabelView> {
    return this.detector.label(request.principal!, orgId, printerId, frameId, body.label);
  }

  @Get('detector')
  @CheckPolicies(['read', 'Detector'])
  @ApiOkResponse({ type: DetectorDto })
  @ApiErrors()
  view(@Param('orgId', ParseUUIDPipe) orgId: string): Promise<DetectorView> {
    return this.detector.view(orgId);
  }

  /** Trains a candidate head on the organization's labelled frames (the inference role runs it). */
  @Post('detector/train')
  @HttpCode(202)
  @CheckPolicies(['manage', 'Detector'])
  @ApiAcceptedResponse({ type: TrainingQueuedDto })
  @ApiErrors({ 409: ['not_enough_labels', 'training_in_progress'] })
  train(@Param('orgId', ParseUUIDPipe) orgId: string, @Req() request: AuthorizedRequest): Promise<{ state: 'queued' }> {
    return this.detector.train(request.principal!, orgId);
  }

  @Post('detector/heads/:headId/activate')
  @HttpCode(200)
  @CheckPolicies(['manage', 'Detector'])
  @ApiOkResponse({ type: DetectorHeadDto })
  @ApiErrors({ 404: ['head_not_found'], 409: ['head_not_better', 'head_not_candidate'] })
  activate(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Param('headId', ParseUUIDPipe) headId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<DetectorHeadView> {
    return this.detector.activate(request.principal!, orgId, headId);
  }

  /** The previously active head (or the shipped default head) scores the organization's frames again. */
  @Post('detector/rollback')
  @HttpCode(200)
  @CheckPolicies(['manage', 'Detector'])
  @ApiOkResponse({ type: RollbackDto })
  @ApiErrors({ 409: ['nothing_to_roll_back'] })
  rollback(
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Req() request: AuthorizedRequest,
  ): Promise<{ activeHeadId: string | null }> {
    return this.detector.rollback(request.principal!, orgId);
  }
}
