import { useEffect, useState } from 'react';
import { apiFetch } from './api';

export interface LatestFrame {
  url: string;
  takenAt: string | null;
  /** Which frame it is (`x-frame-id`), to label it. */
  frameId: string | null;
}

/**
 * The printer's latest webcam frame as an object URL (contract B `frames/latest`), fetched again whenever
 * `snapshotAt` (the live view's time of the latest frame) changes. Fetched rather than linked so a new frame is never
 * hidden by the browser's image cache and the previous one stays on screen until the next has arrived.
 * Without a hint nothing is fetched unless `fetchWithoutHint` (the detail page asks once).
 */
export function useLatestFrame(
  orgId: string,
  printerId: string,
  snapshotAt: string | null,
  fetchWithoutHint = false,
): LatestFrame | null {
  const [frame, setFrame] = useState<LatestFrame | null>(null);
  useEffect(() => {
    if (!snapshotAt && !fetchWithoutHint) return;
    const controller = new AbortController();
    apiFetch(
      new Request(`/api/orgs/${orgId}/printers/${printerId}/frames/latest`, {
        cache: 'no-store',
        headers: { accept: 'image/jpeg' },
        signal: controller.signal,
      }),
    )
      .then(async (response) => {
        if (!response.ok) return;
        const blob = await response.blob();
        if (controller.signal.aborted) return;
        setFrame({
          url: URL.createObjectURL(blob),
          takenAt: response.headers.get('x-frame-taken-at'),
          frameId: response.headers.get('x-frame-id'),
        });
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [orgId, printerId, snapshotAt, fetchWithoutHint]);
  // Each URL is released once the next frame replaced it, and the last one with the component.
  useEffect(() => () => void (frame && URL.revokeObjectURL(frame.url)), [frame]);
  return frame;
}
