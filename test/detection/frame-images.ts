import sharp from 'sharp';

/** A real JPEG webcam-like frame (a flat colour with a lighter square), `width` x `height`. */
export function jpegFrame(width = 320, height = 240, level = 120): Promise<Buffer> {
  const square = Buffer.from(
    `<svg width="${width}" height="${height}"><rect x="${width / 4}" y="${height / 4}" width="${width / 2}" height="${height / 2}" fill="rgb(230,230,230)"/></svg>`,
  );
  return sharp({ create: { width, height, channels: 3, background: { r: level, g: level, b: level } } })
    .composite([{ input: square }])
    .jpeg({ quality: 85 })
    .toBuffer();
}

/**
 * A decompression bomb: a small, valid JPEG whose frame header (SOF) is rewritten to declare `width` x `height`
 * pixels. Decoding it would need gigabytes; its header alone says so.
 */
export async function jpegBomb(width = 20_000, height = 20_000): Promise<Buffer> {
  const bytes = Buffer.from(await jpegFrame(64, 64));
  for (let offset = 2; offset + 9 < bytes.length;) {
    const marker = bytes[offset + 1]!;
    const length = bytes.readUInt16BE(offset + 2);
    if (marker >= 0xc0 && marker <= 0xc3) {
      bytes.writeUInt16BE(height, offset + 5);
      bytes.writeUInt16BE(width, offset + 7);
      return bytes;
    }
    offset += 2 + length;
  }
  throw new Error('no SOF marker in the JPEG');
}

/** The first half of a JPEG: what a dropped upload or a broken camera leaves. */
export async function truncatedJpeg(): Promise<Buffer> {
  const bytes = await jpegFrame(320, 240);
  return bytes.subarray(0, Math.floor(bytes.length / 2));
}

export async function postFrame(
  baseUrl: string,
  credential: string | null,
  body: Buffer | string,
  init: { contentType?: string; query?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': init.contentType ?? 'image/jpeg', ...init.headers };
  if (credential) headers.authorization = `Bearer ${credential}`;
  const response = await fetch(`${baseUrl}/api/agent/frames${init.query ?? ''}`, {
    method: 'POST',
    headers,
    body: body as RequestInit['body'],
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
