import { Client } from 'basic-ftp';
import type { TLSSocket } from 'node:tls';

import type { CertificatePins } from '../backend/backend-target';
import { assertSerial, verifyPrinterCertificate } from './bambu-tls';

export const FTPS_PORT = 990;

export interface FtpsUploadOptions {
  host: string;
  port?: number;
  serial: string;
  accessCode: string;
  pins: CertificatePins;
  localPath: string;
  remoteName: string;
  timeoutMs?: number;
}

/**
 * Uploads one file to the printer's storage over implicit FTPS (port 990, user `bblp`). The login (which sends the
 * access code) happens only after the control connection's certificate passed the serial and pin check.
 */
export async function uploadOverFtps(options: FtpsUploadOptions): Promise<void> {
  assertSerial(options.serial);
  const client = new Client(options.timeoutMs ?? 60_000);
  try {
    await client.connectImplicitTLS(options.host, options.port ?? FTPS_PORT, {
      servername: options.serial,
      // Replaced by the explicit check below, before any credential is sent (see bambu-tls.ts).
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    });
    await verifyPrinterCertificate((client.ftp.socket as TLSSocket).getPeerCertificate(), options.serial, options.pins);
    await client.login('bblp', options.accessCode);
    await client.useDefaultSettings();
    await client.uploadFrom(options.localPath, options.remoteName);
  } finally {
    client.close();
  }
}
