import type { Logger } from 'pino';

import type { VirtualPrinter } from './virtual-printer';
import type { WebcamPhotoOptions } from './webcam-photos';

/** The printer software a simulator front speaks; the agent's backend kinds use the same names. */
export const SIM_KINDS = ['octoprint', 'moonraker', 'prusalink', 'bambu'] as const;
export type SimKind = (typeof SIM_KINDS)[number];

/** What every front takes: the shared virtual printers and how they are served. */
export interface SimFarmOptions {
  printers: number;
  /** Shared port; 0 picks a free one. What is served there depends on the front (HTTP fronts: `/p/<index>`). */
  port?: number;
  host?: string;
  /** Simulated seconds per real second (60 turns an hour-long print into a minute). */
  timeScale?: number;
  /** The LAN secret every simulated printer expects (API key, access code). */
  apiKey?: string;
  /** Also serve each printer at the root of its own port (`port + 1 + index`, or a free one when `port` is 0). */
  portPerPrinter?: boolean;
  maxUploadBytes?: number;
  /** Printers start connected to their (virtual) serial port, like OctoPrint with autoconnect. */
  startConnected?: boolean;
  /** Serve real photos from the webcam (a clean one, then a failure one on spaghetti) instead of drawings. */
  webcamPhotos?: WebcamPhotoOptions;
  logger?: Logger;
}

/** A running simulated farm of one kind, as `npm run sim` and tests drive it. */
export interface SimFarm {
  readonly kind: SimKind;
  readonly size: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  printer(index: number): VirtualPrinter;
  /** Where printer `index` is reached by the agent (a URL, or `host:port` for non-HTTP fronts). */
  url(index: number): string;
  /** Test control: the printer's host disappears until `setOnline`. */
  setOffline(index: number): void;
  setOnline(index: number): void;
}
