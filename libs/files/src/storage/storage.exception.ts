export type StorageErrorCode = 'stored_file_not_found' | 'invalid_content_hash' | 'content_hash_mismatch';

/** Shaped like core's `DomainException` (`kind` is one of its error kinds), free of Nest. */
export class StorageError extends Error {
  readonly kind: 'not_found' | 'invalid';

  constructor(
    readonly code: StorageErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'StorageError';
    this.kind = code === 'stored_file_not_found' ? 'not_found' : 'invalid';
  }

  static notFound(sha256: string): StorageError {
    return new StorageError('stored_file_not_found', 'The stored file does not exist', { sha256 });
  }

  static invalidHash(): StorageError {
    return new StorageError('invalid_content_hash', 'A content hash is 64 lower-case hexadecimal characters');
  }

  static hashMismatch(expected: string, actual: string): StorageError {
    return new StorageError('content_hash_mismatch', 'The content does not match its announced sha256', {
      expected,
      actual,
    });
  }
}
