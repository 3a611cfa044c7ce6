import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';

import type { DispatchArgs } from '@farmhand/protocol';
import type { Logger } from 'pino';

import { BackendError, uploadFormatOf } from '../backend/printer-backend';
import type { CommandData, PrinterBackend } from '../backend/printer-backend';

export interface FileDispatcherOptions {
  backend: PrinterBackend;
  logger: Logger;
  /** Largest file this agent accepts (a Raspberry Pi's SD card and RAM are small). */
  maxBytes?: number;
  downloadTimeoutMs?: number;
  tempDir?: string;
}

const ACTIVE_STATES = ['printing', 'pausing', 'paused', 'cancelling'];

/** The `dispatch` command: download from a signed URL to a temp file, verify size and SHA-256, upload, select, print. */
export class FileDispatcher {
  constructor(private readonly options: FileDispatcherOptions) {}

  async dispatch(args: DispatchArgs): Promise<CommandData> {
    const maxBytes = this.options.maxBytes ?? 512 * 1024 * 1024;
    if (args.size > maxBytes)
      throw new BackendError('too_large', `file of ${args.size} bytes exceeds this agent's ${maxBytes}`);
    const format = uploadFormatOf(args.fileName);
    const { backend } = this.options;
    if (!format || !backend.capabilities.uploadFormats.includes(format)) {
      throw new BackendError('unsupported', `${backend.kind} does not print ${format ?? 'this kind of'} files`);
    }
    const { state } = this.options.backend.status();
    if (ACTIVE_STATES.includes(state)) throw new BackendError('invalid_state', `cannot dispatch while ${state}`);
    const directory = await mkdtemp(join(this.options.tempDir ?? tmpdir(), 'farmhand-dispatch-'));
    try {
      const localPath = join(directory, `download.${format}`);
      const started = Date.now();
      const sha256 = await this.download(args, localPath);
      if (sha256 !== args.sha256)
        throw new BackendError('checksum_mismatch', 'downloaded file does not match its SHA-256');
      this.options.logger.info(
        { source: redactUrl(args.url), bytes: args.size, ms: Date.now() - started, fileName: args.fileName },
        'dispatch downloaded and verified',
      );
      return await this.options.backend.uploadAndSelect({
        fileName: args.fileName,
        localPath,
        size: args.size,
        sha256: args.sha256,
        copyId: args.copyId,
        print: args.print,
        ...(args.bambu ? { bambu: args.bambu } : {}),
      });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }

  private async download(args: DispatchArgs, localPath: string): Promise<string> {
    let response: Response;
    try {
      response = await fetch(args.url, { signal: AbortSignal.timeout(this.options.downloadTimeoutMs ?? 15 * 60_000) });
    } catch (error) {
      throw new BackendError('download_failed', `download failed: ${(error as Error).name}`);
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new BackendError('download_failed', `file server answered ${response.status}`);
    }
    const declared = Number(response.headers.get('content-length') ?? -1);
    if (declared > args.size) {
      await response.body.cancel();
      throw new BackendError('too_large', `file server announced ${declared} bytes, expected ${args.size}`);
    }
    const hash = createHash('sha256');
    const output = createWriteStream(localPath, { mode: 0o600 });
    let received = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        received += chunk.byteLength;
        if (received > args.size)
          throw new BackendError('too_large', `download exceeds the expected ${args.size} bytes`);
        hash.update(chunk);
        if (!output.write(chunk)) await new Promise<void>((resolve) => output.once('drain', () => resolve()));
      }
    } catch (error) {
      output.destroy();
      if (error instanceof BackendError) throw error;
      throw new BackendError('download_failed', `download interrupted: ${(error as Error).name}`);
    }
    output.end();
    await finished(output);
    if (received !== args.size) {
      throw new BackendError('checksum_mismatch', `downloaded ${received} bytes, expected ${args.size}`);
    }
    return hash.digest('hex');
  }
}

/** Signed URLs carry their secret in the query string; logs keep only host and path. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
