import { Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CheckPolicies, type AuthorizedRequest } from '@farmhand/authz';
import { AcceptsRawBody, ApiErrors, DomainException } from '@farmhand/core';
import type { Printer } from '@farmhand/printers';
import { FRAME_CAPTURED_AT_HEADER } from '@farmhand/protocol';
import type { Response } from 'express';
import { frameTooLarge, readFrameBody } from './frame-body';
import { StoredFrameDto } from '../dto/detection-responses.dto';
import { FrameIngestService, type StoredFrame } from './frame-ingest.service';

/** Where agents upload webcam frames (AGENT_HTTP_PATHS.frames). */
@ApiTags('agent')
@Controller('agent/frames')
export class AgentFramesController {
  constructor(private readonly ingest: FrameIngestService) {}

  /**
   * The JPEG as the raw body (`image/jpeg`), the capture time (epoch ms) in `x-farmhand-captured-at`. The printer is
   * the credential's; nothing in the request can name another. 202 once stored and queued for inference.
   */
  @Post()
  @AcceptsRawBody()
  @HttpCode(202)
  @CheckPolicies(['report', 'Printer'])
  @ApiOperation({
    requestBody: { required: true, content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } } } },
  })
  @ApiHeader({ name: FRAME_CAPTURED_AT_HEADER, required: false, description: 'Capture time, epoch milliseconds' })
  @ApiAcceptedResponse({ type: StoredFrameDto, description: 'Stored, and queued for inference while printing' })
  @ApiErrors({
    400: ['frame_incomplete', 'frame_not_jpeg', 'frame_required', 'frame_truncated', 'frame_unreadable'],
    403: ['agent_only'],
    404: ['printer_not_found'],
    413: ['frame_too_large', 'frame_too_many_pixels'],
    429: ['frame_rate_limited'],
  })
  async upload(
    @Req() request: AuthorizedRequest,
    @Res({ passthrough: true }) response: Response,
    @Headers(FRAME_CAPTURED_AT_HEADER) capturedAt: string | undefined,
  ): Promise<StoredFrame> {
    const principal = request.principal;
    // An organization owner may `report` too (manage all); frames come from a printer's own agent only.
    if (principal?.kind !== 'agent') throw DomainException.forbidden('agent_only', 'Only a printer agent sends frames');
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'image/jpeg') {
      throw DomainException.invalid('frame_not_jpeg', 'Send the frame as an image/jpeg body', 'frame');
    }
    const declared = Number(request.headers['content-length'] ?? NaN);
    if (declared > this.ingest.maxBytes) throw frameTooLarge(response, this.ingest.maxBytes);
    let printer: Printer;
    try {
      printer = await this.ingest.admit(principal);
    } catch (error) {
      const retry = (error as DomainException).details?.retryAfterSeconds;
      if (typeof retry === 'number') response.setHeader('retry-after', String(retry));
      throw error;
    }
    const body = await readFrameBody(request, response, this.ingest.maxBytes);
    return this.ingest.store(principal, printer, body, capturedAt);
  }
}
