import { readBoundedBody } from '@farmhand/core';
import type { Request, Response } from 'express';

/** Reads a photo upload into memory, at most `maxBytes`; an interrupted upload leaves nothing. */
export function readPhotoBody(request: Request, response: Response, maxBytes: number): Promise<Buffer> {
  return readBoundedBody(request, response, maxBytes, { field: 'photo', noun: 'photo' });
}
