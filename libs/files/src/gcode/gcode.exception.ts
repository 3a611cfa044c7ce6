/** Why an upload was refused. Stable: API clients and tests match on these. */
export type GcodeRejectionCode = 'file_too_large' | 'not_gcode' | 'invalid_file_name';

/** Finer reason for `not_gcode`, so a client can tell "you sent a 3MF" from "you sent a photo". */
export type NotGcodeReason =
  'empty' | 'archive' | 'binary_gcode' | 'image' | 'document' | 'binary' | 'text' | 'no_commands';

/**
 * An upload refused for what it is, not because something broke. Shaped like core's `DomainException`
 * (`kind` is one of its error kinds) so the files service can rethrow it as one without a lookup table;
 * this library stays free of Nest so the agent and scripts can use it.
 */
export class GcodeRejectedError extends Error {
  readonly kind: 'invalid' | 'too_large';

  constructor(
    readonly code: GcodeRejectionCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly field?: string,
  ) {
    super(message);
    this.name = 'GcodeRejectedError';
    this.kind = code === 'file_too_large' ? 'too_large' : 'invalid';
  }

  static tooLarge(limitBytes: number): GcodeRejectedError {
    return new GcodeRejectedError(
      'file_too_large',
      `The file is larger than the ${formatBytes(limitBytes)} limit`,
      { limitBytes },
      'file',
    );
  }

  static notGcode(reason: NotGcodeReason, message: string): GcodeRejectedError {
    return new GcodeRejectedError('not_gcode', message, { reason }, 'file');
  }

  static invalidFileName(message: string): GcodeRejectedError {
    return new GcodeRejectedError('invalid_file_name', message, {}, 'fileName');
  }
}

function formatBytes(bytes: number): string {
  const mebibytes = bytes / (1024 * 1024);
  if (mebibytes >= 1) return `${Number.isInteger(mebibytes) ? mebibytes : mebibytes.toFixed(1)} MiB`;
  return `${bytes} bytes`;
}
