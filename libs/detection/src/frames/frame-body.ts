import { DomainException } from '@farmhand/core';
import type { Request, Response } from 'express';

/**
 * Reads the request body into memory up to `maxBytes` (a frame is small and must be inspected whole). A declared
 * length over the cap is refused before reading; a body that grows past it is cut off at the cap. Either way the
 * connection is closed after the 413, rather than drained.
 */
export function readFrameBody(request: Request, response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > maxBytes) return Promise.reject(frameTooLarge(response, maxBytes));
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
      // The 'error' listener stays: after 'aborted', Node errors the request a tick later, and an 'error' nobody
      // listens to would crash the process. finish() ignores it once settled.
      if (error) reject(error);
      else resolve(value!);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.pause();
        finish(frameTooLarge(response, maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(null, Buffer.concat(chunks, size));
    const onError = (error: Error) => finish(error);
    const onAborted = () => finish(DomainException.invalid('frame_incomplete', 'The upload was interrupted', 'frame'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}

export function frameTooLarge(response: Response, maxBytes: number): DomainException {
  response.setHeader('connection', 'close');
  return new DomainException('too_large', 'frame_too_large', `The frame is larger than ${maxBytes} bytes`, 'frame', {
    limitBytes: maxBytes,
  });
}
