import type { AlertLevel, AlertState } from '../entities/detection-alert.entity';
import type { AlertBox } from './alert-boxes';

/** An alert as the API shows it (contract B). */
export interface AlertView {
  id: string;
  printerId: string;
  printerName: string;
  fleetId: string;
  level: AlertLevel;
  state: AlertState;
  score: number;
  paused: boolean;
  copyId: string | null;
  frameId: string | null;
  /** Where the model saw it on the alert's frame, in fractions of the frame, hottest first. */
  boxes: AlertBox[];
  createdAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
}

export interface AlertRow {
  id: string;
  /** The print the alert belongs to (the scoring state's key). */
  printKey: string | null;
  orgId: string;
  printerId: string;
  printerName: string;
  fleetId: string;
  level: AlertLevel;
  state: AlertState;
  score: number;
  paused: boolean;
  copyId: string | null;
  frameId: string | null;
  boxes: AlertBox[] | null;
  createdAt: Date;
  resolvedAt: Date | null;
  resolvedBy: string | null;
}

export function toAlertView(row: AlertRow): AlertView {
  return {
    id: row.id,
    printerId: row.printerId,
    printerName: row.printerName,
    fleetId: row.fleetId,
    level: row.level,
    state: row.state,
    score: Math.round(Number(row.score) * 1000) / 1000,
    paused: row.paused,
    copyId: row.copyId,
    frameId: row.frameId,
    boxes: Array.isArray(row.boxes) ? row.boxes : [],
    createdAt: new Date(row.createdAt).toISOString(),
    resolvedAt: row.resolvedAt ? new Date(row.resolvedAt).toISOString() : null,
    resolvedBy: row.resolvedBy,
  };
}
