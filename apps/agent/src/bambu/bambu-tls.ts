import { X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';

import type { CertificatePins } from '../backend/backend-target';

/**
 * A Bambu printer presents a certificate whose subject CN is its serial number, issued by Bambu Lab's own CA (or,
 * for our simulator, self-signed). Connections go to an IP address, so the usual host-name check cannot apply.
 * Instead: the CN must equal the configured serial, and the certificate (SHA-256 of its DER) is pinned on first use;
 * a later, different certificate is refused until the operator removes the pin from the gateway's `pins.json`.
 * Nothing (no access code) is written to a socket before that check passes: see `connectVerified`.
 */
export class BambuCertificateError extends Error {
  /** A code, so that stream owners (mqtt.js drops code-less stream errors) pass it on. */
  readonly code = 'BAMBU_CERTIFICATE_REFUSED';
  constructor(
    readonly reason: 'serial_mismatch' | 'pin_mismatch' | 'no_certificate',
    message: string,
  ) {
    super(message);
    this.name = 'BambuCertificateError';
  }
}

const SERIAL = /^[A-Za-z0-9]{1,32}$/;

export function assertSerial(serial: string): void {
  if (!SERIAL.test(serial)) throw new RangeError('serial must be 1-32 letters and digits');
}

export function commonName(certificate: tls.PeerCertificate | X509Certificate): string | null {
  if (certificate instanceof X509Certificate) {
    const match = /^CN=(.*)$/m.exec(certificate.subject);
    return match ? match[1].trim() : null;
  }
  const cn = certificate.subject?.CN as unknown;
  return typeof cn === 'string' ? cn : Array.isArray(cn) && typeof cn[0] === 'string' ? cn[0] : null;
}

/** SHA-256 of the DER certificate, lowercase hex (the form `pins.json` keeps). */
export function certificateSha256(certificate: tls.PeerCertificate): string | null {
  return certificate.fingerprint256 ? certificate.fingerprint256.replace(/:/g, '').toLowerCase() : null;
}

/**
 * Checks one presented certificate: CN = serial, and equal to the pin if there is one (pins it otherwise, and
 * waits for the pin to be stored). Returns whether it was pinned just now.
 */
export async function verifyPrinterCertificate(
  certificate: tls.PeerCertificate | undefined,
  serial: string,
  pins: CertificatePins,
): Promise<{ pinnedNow: boolean; sha256: string }> {
  const sha256 = certificate ? certificateSha256(certificate) : null;
  if (!certificate || !sha256) {
    throw new BambuCertificateError('no_certificate', 'the printer presented no certificate');
  }
  const cn = commonName(certificate);
  if (cn !== serial) {
    throw new BambuCertificateError(
      'serial_mismatch',
      `the printer's certificate is issued to "${String(cn).slice(0, 64)}", not to serial ${serial}: refusing to send the access code`,
    );
  }
  const pinned = pins.get(serial);
  if (pinned && pinned !== sha256) {
    throw new BambuCertificateError(
      'pin_mismatch',
      `the certificate of printer ${serial} changed since it was pinned (pinned ${pinned.slice(0, 16)}…, now ${sha256.slice(0, 16)}…): ` +
        `refusing to connect; if the printer was replaced or reset, remove ${serial} from the gateway's pins.json`,
    );
  }
  if (!pinned) await pins.set(serial, sha256);
  return { pinnedNow: !pinned, sha256 };
}

export interface VerifiedConnectOptions {
  host: string;
  port: number;
  serial: string;
  pins: CertificatePins;
  /** Called when a certificate was pinned for the first time (to log it). */
  onPinned?: (sha256: string) => void;
}

/**
 * Opens a TLS socket that holds back every write until the printer's certificate passed
 * `verifyPrinterCertificate`; on failure it is destroyed with a BambuCertificateError and nothing was sent.
 *
 * Chain validation is replaced, not skipped: Bambu's device CA is not in Node's store and the printer is reached by
 * IP, so `rejectUnauthorized` is off and the serial check plus the pin take its place. The socket is corked until
 * then, so the MQTT CONNECT (with the access code), FTP PASS or camera auth packet never leave before the check.
 */
export function connectVerified(options: VerifiedConnectOptions): tls.TLSSocket {
  assertSerial(options.serial);
  const socket = tls.connect({
    host: options.host,
    port: options.port,
    // SNI with the serial, as the printer expects (OpenBambuAPI tls.md).
    servername: options.serial,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
  });
  socket.cork();
  socket.once('secureConnect', () => {
    verifyPrinterCertificate(socket.getPeerCertificate(), options.serial, options.pins).then(
      ({ pinnedNow, sha256 }) => {
        if (pinnedNow) options.onPinned?.(sha256);
        if (!socket.destroyed) socket.uncork();
      },
      (error: Error) => socket.destroy(error),
    );
  });
  return socket;
}
