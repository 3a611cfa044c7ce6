import { UnsupportedMediaTypeException } from '@nestjs/common';
import { DomainException } from '@farmhand/core';
import type { Request } from 'express';

/** Types browsers and tools send a .csv file with (Excel's own among them). */
const CSV_MEDIA_TYPES = new Set([
  'text/csv',
  'application/csv',
  'text/plain',
  'application/vnd.ms-excel',
  'application/octet-stream',
]);
/** After the limit, the rest of an upload is read and dropped (so the client gets its 413) up to this much. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

export function tooLarge(maxBytes: number): DomainException {
  return new DomainException(
    'too_large',
    'csv_too_large',
    `The CSV is larger than ${maxBytes / (1024 * 1024)} MB; split it into smaller files.`,
  );
}

/**
 * The raw request body of a CSV upload, read only for this route (the api's JSON parser skips other types) and
 * only once the guard has let the request through. Refuses other media types (415) and bodies over `maxBytes` (413)
 * without buffering more than `maxBytes`.
 */
export async function readCsvUpload(request: Request, maxBytes: number): Promise<Buffer> {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!CSV_MEDIA_TYPES.has(mediaType)) {
    throw new UnsupportedMediaTypeException(
      'Send the CSV file itself as the request body, with Content-Type: text/csv',
    );
  }
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > DRAIN_LIMIT_BYTES) {
      request.socket.destroy();
      throw tooLarge(maxBytes);
    }
    if (total <= maxBytes) chunks.push(chunk);
  }
  if (total > maxBytes) throw tooLarge(maxBytes);
  return Buffer.concat(chunks, total);
}
