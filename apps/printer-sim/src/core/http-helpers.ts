import type { IncomingMessage, ServerResponse } from 'node:http';

/** Thrown while reading a request; answered with its status instead of crashing the server. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** OctoPrint's API error shape. */
export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message });
}

export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, `Request body exceeds ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `Request body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Like OctoPrint's `get_json_command_from_request`: a JSON object with a `command` from a known set. */
export async function readJsonCommand(
  req: IncomingMessage,
  commands: readonly string[],
): Promise<{ command: string; data: Record<string, unknown> }> {
  const data = await readJsonObject(req);
  const command = data.command;
  if (typeof command !== 'string' || !commands.includes(command)) throw new HttpError(400, 'Expected valid command');
  return { command, data };
}

export async function readJsonObject(req: IncomingMessage, limit = 1024 * 1024): Promise<Record<string, unknown>> {
  if (!String(req.headers['content-type'] ?? '').includes('application/json')) {
    throw new HttpError(400, 'Expected content-type JSON');
  }
  const body = await readBody(req, limit);
  let data: unknown;
  try {
    data = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'Malformed JSON body or wrong content-type in request');
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new HttpError(400, 'Expected a JSON object');
  return data as Record<string, unknown>;
}
