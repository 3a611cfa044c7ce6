import type { Request, Response } from 'express';
import { DomainException } from '../errors/domain.exception';

/** What a bounded upload is called in its refusals: `<field>_too_large`, `<field>_incomplete`, field `<field>`. */
export interface BoundedBodyNames {
  /** The field the refusals name (`frame`, `photo`). */
  field: string;
  /** The noun in the messages (`frame`, `photo`). */
  noun: string;
}

/** A 413 naming the upload; the connection is closed after it rather than drained. */
export function bodyTooLarge(response: Response, maxBytes: number, names: BoundedBodyNames): DomainException {
  response.setHeader('connection', 'close');
  return new DomainException(
    'too_large',
    `${names.field}_too_large`,
    `The ${names.noun} is larger than ${maxBytes} bytes`,
    names.field,
    { limitBytes: maxBytes },
  );
}

/**
 * Reads a small upload (a webcam frame, a photo) into memory, at most `maxBytes`: a declared length over the cap is
 * refused before reading, a body that grows past it is cut off at the cap. A client that goes away mid-upload leaves
 * nothing: the body is only kept once complete.
 */
export function readBoundedBody(
  request: Request,
  response: Response,
  maxBytes: number,
  names: BoundedBodyNames,
): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (declared > maxBytes) return Promise.reject(bodyTooLarge(response, maxBytes, names));
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
        finish(bodyTooLarge(response, maxBytes, names));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(null, Buffer.concat(chunks, size));
    const onError = (error: Error) => finish(error);
    const onAborted = () =>
      finish(DomainException.invalid(`${names.field}_incomplete`, 'The upload was interrupted', names.field));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}
