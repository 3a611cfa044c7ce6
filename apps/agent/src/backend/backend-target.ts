import type { Logger } from 'pino';

import { type JobLedger } from './job-ledger';
import type { BackendKind, PrinterBackend } from './printer-backend';

/* What a backend is built from, apart from the factories (so backends can import it without a cycle). */

/**
 * The LAN secret one printer's software expects. It stays on the agent's host (a 0600 file) and never travels to
 * the server. Which fields a kind needs: octoprint `apiKey`; moonraker `apiKey` or nothing (trusted clients);
 * prusalink `apiKey`, or `username` + `password` for HTTP Digest; bambu `accessCode` (from the printer's screen).
 */
export interface LanSecret {
  apiKey?: string;
  username?: string;
  password?: string;
  accessCode?: string;
}

/** One printer as a backend is built for it: what kind, where, and how to get in. */
export interface BackendTarget {
  kind: BackendKind;
  /** `http(s)://host[:port]` for HTTP backends (OctoPrint, Moonraker, Prusa Link); a host name or IP for Bambu. */
  address: string;
  secret: LanSecret;
  /** The printer's serial number: Bambu's MQTT topics and certificate CN need it; informational elsewhere. */
  serial?: string;
  /** Kind-specific tuning (poll interval, push socket off…); each backend validates its own. */
  options?: Record<string, unknown>;
}

/**
 * Certificates pinned on first use (Bambu's self-signed printer certificates), by printer serial: SHA-256 of the
 * DER certificate, lowercase hex. The gateway keeps them in a 0600 file beside its config.
 */
export interface CertificatePins {
  get(serial: string): string | null;
  set(serial: string, sha256: string): Promise<void>;
}

/** What every backend gets from its host process. */
export interface BackendDeps {
  logger: Logger;
  ledger: JobLedger;
  pins: CertificatePins;
}

export type BackendFactory = (target: BackendTarget, deps: BackendDeps) => PrinterBackend;

export class BackendConfigError extends Error {}

/** Pins that live only in memory (single-printer runs and tests). */
export class MemoryCertificatePins implements CertificatePins {
  private readonly pins = new Map<string, string>();

  get(serial: string): string | null {
    return this.pins.get(serial) ?? null;
  }

  set(serial: string, sha256: string): Promise<void> {
    this.pins.set(serial, sha256);
    return Promise.resolve();
  }
}
