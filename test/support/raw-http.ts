import { connect, type Socket } from 'node:net';

/**
 * How a client walks away from an upload halfway:
 * - `reset`: the connection is torn down (RST), as when a browser tab is closed;
 * - `broken-chunks`: chunked framing that stops making sense (a chunk size that is not hex);
 * - `short-body`: fewer bytes than the declared Content-Length, then the client half-closes (FIN).
 */
export type UploadAbort = 'reset' | 'broken-chunks' | 'short-body';
export const UPLOAD_ABORTS: readonly UploadAbort[] = ['reset', 'broken-chunks', 'short-body'];

export interface AbortedUploadRequest {
  /** `http://host:port` of the server. */
  baseUrl: string;
  method?: string;
  path: string;
  headers: Record<string, string>;
  /** The bytes that do arrive before the client gives up. */
  firstBytes: Buffer;
  /** Bytes the client claims to send in all (Content-Length), for `reset` and `short-body`. */
  declaredBytes: number;
  how: UploadAbort;
  /** Runs after the first bytes are written and before the abort: wait here until the server is reading. */
  beforeAbort?: () => Promise<void>;
}

export interface AbortedUploadOutcome {
  /** Whatever the server answered before the connection ended (often nothing). */
  response: string;
}

/**
 * Sends the start of an upload over a raw TCP socket (no HTTP client library would let a test break the framing),
 * then aborts it the chosen way and waits until the connection is gone.
 */
export async function abortedUpload(request: AbortedUploadRequest): Promise<AbortedUploadOutcome> {
  const url = new URL(request.baseUrl);
  const socket = connect(Number(url.port), url.hostname);
  let response = '';
  socket.on('data', (chunk: Buffer) => (response += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });

  const chunked = request.how === 'broken-chunks';
  const lines = [`${request.method ?? 'POST'} ${request.path} HTTP/1.1`, `Host: ${url.host}`];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`${name}: ${value}`);
  lines.push(chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${request.declaredBytes}`);
  await write(socket, Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'));
  await write(
    socket,
    chunked
      ? Buffer.concat([
          Buffer.from(`${request.firstBytes.length.toString(16)}\r\n`),
          request.firstBytes,
          Buffer.from('\r\n'),
        ])
      : request.firstBytes,
  );
  await request.beforeAbort?.();

  switch (request.how) {
    case 'reset':
      socket.resetAndDestroy();
      break;
    case 'broken-chunks':
      // Not a hex chunk size: the server's parser gives up on the request.
      await write(socket, Buffer.from('zz-not-a-chunk-size\r\n\r\n')).catch(() => undefined);
      break;
    case 'short-body':
      socket.end();
      break;
  }
  await closed;
  return { response };
}

function write(socket: Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => socket.write(bytes, (error) => (error ? reject(error) : resolve())));
}
