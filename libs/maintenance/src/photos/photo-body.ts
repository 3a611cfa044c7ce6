import { DomainException } from '@farmhand/core';
import type { Request, Response } from 'express';

function tooLarge(response: Response, maxBytes: number): DomainException {
  response.setHeader('connection', 'close');
  return new DomainException('too_large', 'photo_too_large', `The photo is larger than ${maxBytes} bytes`, 'photo', {
    limitBytes: maxBytes,
  });
}

/**
 * Reads a photo upload into memory, at most `maxBytes` (refused from Content-Length when it says more). A client
 * that goes away mid-upload leaves nothing: the body is only kept once complete (like frame-body.ts).
 */
export function readPhotoBody(request: Request, response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > maxBytes) return Promise.reject(tooLarge(response, maxBytes));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (error: unknown, value?: Buffer) => {
      if (settled) return;
      settled = true;
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('aborted', onAborted);
      // The 'error' listener stays: Node errors an aborted request a tick later; finish() ignores it once settled.
      if (error) reject(error);
      else resolve(value!);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.pause();
        finish(tooLarge(response, maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(null, Buffer.concat(chunks, size));
    const onError = (error: Error) => finish(error);
    const onAborted = () => finish(DomainException.invalid('photo_incomplete', 'The upload was interrupted', 'photo'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}
