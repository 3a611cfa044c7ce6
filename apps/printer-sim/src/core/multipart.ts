import { HttpError } from './http-helpers';

export interface MultipartPart {
  name: string;
  fileName: string | null;
  contentType: string | null;
  data: Buffer;
}

const MAX_PARTS = 20;

export function boundaryOf(contentType: string | undefined): string {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (!contentType?.toLowerCase().startsWith('multipart/form-data') || !boundary || boundary.length > 200) {
    throw new HttpError(400, 'Expected multipart/form-data with a boundary');
  }
  return boundary.trim();
}

/** Parses a fully buffered multipart/form-data body (the simulator caps the body size before this). */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let position = body.indexOf(delimiter);
  if (position < 0) throw new HttpError(400, 'Malformed multipart body');
  while (true) {
    position += delimiter.length;
    if (body.subarray(position, position + 2).toString() === '--') return parts;
    if (body.subarray(position, position + 2).toString() !== '\r\n')
      throw new HttpError(400, 'Malformed multipart body');
    position += 2;
    const headerEnd = body.indexOf('\r\n\r\n', position);
    if (headerEnd < 0) throw new HttpError(400, 'Malformed multipart part headers');
    const headers = parseHeaders(body.subarray(position, headerEnd).toString('utf8'));
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new HttpError(400, 'Unterminated multipart body');
    const disposition = headers['content-disposition'] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new HttpError(400, 'Multipart part without a name');
    parts.push({
      name,
      fileName: /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? null,
      contentType: headers['content-type'] ?? null,
      data: body.subarray(headerEnd + 4, next),
    });
    if (parts.length > MAX_PARTS) throw new HttpError(400, 'Too many multipart parts');
    position = next + 2;
  }
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}
