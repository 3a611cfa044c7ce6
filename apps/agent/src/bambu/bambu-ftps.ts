import { Client } from 'basic-ftp';
import { TLSSocket } from 'node:tls';

import type { CertificatePins } from '../backend/backend-target';
import { assertSerial, BambuCertificateError, certificateSha256, verifyPrinterCertificate } from './bambu-tls';

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
    const { sha256 } = await verifyPrinterCertificate(
      (client.ftp.socket as TLSSocket).getPeerCertificate(),
      options.serial,
      options.pins,
    );
    pinDataConnections(client, options.serial, sha256);
    await client.login('bblp', options.accessCode);
    await client.useDefaultSettings();
    await client.uploadFrom(options.localPath, options.remoteName);
  } finally {
    client.close();
  }
}

/**
 * The data connections are TLS too (PROT P), opened by basic-ftp for each transfer with the control connection's
 * options, so with no certificate check of their own: someone on the LAN who answers the passive port first would
 * receive the file. Each data socket basic-ftp opens is held to the pinned certificate of the control connection
 * (`pinned`, the SHA-256 the control check accepted), whichever transfer strategy basic-ftp settles on: on its
 * handshake, before basic-ftp writes a byte (our
 * listener runs before the upload's own), a different certificate destroys the socket and the transfer fails with
 * `pin_mismatch`. A resumed TLS session carries the certificate of the session it resumes, so it passes.
 */
export function pinDataConnections(client: Client, serial: string, pinned: string): void {
  // basic-ftp replaces `prepareTransfer` with the strategy that worked after the first transfer: keep wrapping it.
  let prepare: Client['prepareTransfer'] = client.prepareTransfer;
  const pinnedPrepare: Client['prepareTransfer'] = async (ftp) => {
    const result = await prepare.call(client, ftp);
    const dataSocket = ftp.dataSocket;
    if (dataSocket instanceof TLSSocket) {
      const check = () => {
        const presented = certificateSha256(dataSocket.getPeerCertificate());
        if (presented === pinned) return;
        dataSocket.destroy(
          new BambuCertificateError(
            presented ? 'pin_mismatch' : 'no_certificate',
            `the FTPS data connection of printer ${serial} presented ${presented ? `another certificate (${presented.slice(0, 16)}…)` : 'no certificate'} than its control connection: upload aborted`,
          ),
        );
      };
      // Already negotiated (a fast server): check now; else on the handshake, ahead of the upload's listener.
      const negotiated = dataSocket.getPeerCertificate();
      if (negotiated && Object.keys(negotiated).length > 0) check();
      else dataSocket.prependOnceListener('secureConnect', check);
    }
    return result;
  };
  Object.defineProperty(client, 'prepareTransfer', {
    configurable: true,
    get: () => pinnedPrepare,
    set: (next: Client['prepareTransfer']) => {
      prepare = next;
    },
  });
}
