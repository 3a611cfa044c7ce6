import { bodyTooLarge, readBoundedBody } from '@farmhand/core';
import type { Request, Response } from 'express';

const FRAME = { field: 'frame', noun: 'frame' };

/** Reads a frame upload into memory up to `maxBytes` (a frame is small and must be inspected whole). */
export function readFrameBody(request: Request, response: Response, maxBytes: number): Promise<Buffer> {
  return readBoundedBody(request, response, maxBytes, FRAME);
}

export function frameTooLarge(response: Response, maxBytes: number) {
  return bodyTooLarge(response, maxBytes, FRAME);
}
