import type { SpoolmanConnection } from '../entities/spoolman-connection.entity';
import { SpoolmanError, type SpoolmanTarget } from './spoolman-client';
import type { SpoolmanSecretCipher } from './spoolman-secret.cipher';

/** Where and how to reach an organization's Spoolman, its credential decrypted for this request only. */
export function spoolmanTarget(connection: SpoolmanConnection, cipher: SpoolmanSecretCipher): SpoolmanTarget {
  let secret: string | null = null;
  if (connection.secretCiphertext) {
    try {
      secret = cipher.decrypt(connection.secretCiphertext, connection.orgId);
    } catch {
      throw new SpoolmanError(
        'the stored Spoolman credential cannot be read (SECRET_KEY changed?); set it again',
        null,
        true,
      );
    }
  }
  return {
    baseUrl: connection.baseUrl,
    allowPrivateNetwork: connection.allowPrivateNetwork,
    authKind: connection.authKind,
    username: connection.username,
    secret,
  };
}
