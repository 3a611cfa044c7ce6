import { PassThrough, type Readable } from 'node:stream';
import { DomainException } from '@farmhand/core';
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';

/** Room for multipart boundaries and part headers on top of the file itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
export const RAW_UPLOAD_TYPES = ['application/octet-stream', 'text/x-gcode', 'text/x.gcode'];

/** What the upload handler receives: the file's bytes, the name the client gave, and a signal for a vanished client. */
export interface IncomingUpload {
  source: Readable;
  clientFileName: string | undefined;
  signal: AbortSignal;
}

/**
 * Streams the request's file into `handle` without buffering it: a raw body (`application/octet-stream`, name in
 * `?name=`) or a multipart form with one `file` part. The handler reads through a detached stream, so when it stops
 * early (too large, not G-code) the request is drained rather than destroyed and the client still gets the answer.
 */
export async function receiveUpload<T>(
  request: Request,
  response: Response,
  options: { maxBytes: number; queryName: string | undefined },
  handle: (upload: IncomingUpload) => Promise<T>,
): Promise<T> {
  const abort = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) abort.abort(new Error('client went away'));
  });
  const declared = Number(request.headers['content-length'] ?? NaN);
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

  if (type === 'multipart/form-data') {
    if (declared > options.maxBytes + MULTIPART_OVERHEAD_BYTES) throw tooLarge(response, options.maxBytes);
    return receiveMultipart(request, response, options, abort.signal, handle);
  }
  if (!RAW_UPLOAD_TYPES.includes(type)) {
    throw DomainException.invalid(
      'unsupported_upload_type',
      'Send the G-code as application/octet-stream (name in ?name=) or as multipart/form-data with a "file" part',
      'file',
    );
  }
  if (declared > options.maxBytes) throw tooLarge(response, options.maxBytes);
  return handle({ source: detached(request), clientFileName: options.queryName, signal: abort.signal });
}

function receiveMultipart<T>(
  request: Request,
  response: Response,
  options: { maxBytes: number; queryName: string | undefined },
  signal: AbortSignal,
  handle: (upload: IncomingUpload) => Promise<T>,
): Promise<T> {
  let outcome: { value: T } | undefined;
  const storage: multer.StorageEngine = {
    _handleFile(_request, file, callback) {
      handle({ source: detached(file.stream), clientFileName: options.queryName ?? file.originalname, signal }).then(
        (value) => {
          outcome = { value };
          callback(null, {});
        },
        (error: unknown) => callback(error as Error),
      );
    },
    _removeFile(_request, _file, callback) {
      callback(null);
    },
  };
  const middleware = multer({
    storage,
    // One file, a few small fields; the analyzer enforces the byte cap itself, this is the backstop.
    limits: { files: 1, fields: 5, fieldSize: 1024, parts: 6, fileSize: options.maxBytes + 1, headerPairs: 50 },
  }).single('file');
  return new Promise<T>((resolve, reject) => {
    middleware(request, response, (error: unknown) => {
      if (error) return reject(mapMulterError(error, response, options.maxBytes));
      if (!outcome) return reject(DomainException.invalid('file_required', 'The form has no "file" part', 'file'));
      resolve(outcome.value);
    });
  });
}

/**
 * A pass-through fed by `source`. Destroying it (as pipeline() does on error) unpipes and drains the source
 * instead of destroying it, so the HTTP socket stays usable for the error response. The source's 'error' listener
 * stays for the source's whole life: a client abort errors the request a tick after the abort signal has already
 * torn the pipeline down, and an 'error' nobody listens to would crash the process.
 */
function detached(source: Readable): Readable {
  const through = new PassThrough({ highWaterMark: 64 * 1024 });
  source.on('error', (error: Error) => through.destroy(error));
  source.pipe(through);
  through.once('close', () => {
    if (!source.readableEnded) {
      source.unpipe(through);
      source.resume();
    }
  });
  return through;
}

function tooLarge(response: Response, maxBytes: number): DomainException {
  // The body is not read: close the connection after answering rather than drain up to gigabytes.
  response.setHeader('connection', 'close');
  return new DomainException(
    'too_large',
    'file_too_large',
    `The file is larger than the ${maxBytes} bytes limit`,
    'file',
    {
      limitBytes: maxBytes,
    },
  );
}

function mapMulterError(error: unknown, response: Response, maxBytes: number): unknown {
  if (!(error instanceof MulterError)) {
    const message = (error as Error | undefined)?.message ?? '';
    if (/Unexpected end of form|Malformed part header|Multipart: Boundary not found/i.test(message))
      return DomainException.invalid('invalid_multipart', 'The multipart body is malformed', 'file');
    return error;
  }
  if (error.code === 'LIMIT_FILE_SIZE') return tooLarge(response, maxBytes);
  if (error.code === 'LIMIT_UNEXPECTED_FILE' || error.code === 'LIMIT_FILE_COUNT')
    return DomainException.invalid('unexpected_file', 'Send exactly one file, in the "file" part', 'file');
  return DomainException.invalid('invalid_multipart', `The multipart body was refused (${error.code})`, 'file');
}
