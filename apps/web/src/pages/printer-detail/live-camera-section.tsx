import { CAMERA_LIMITS, type CameraWatchAnswer } from '@farmhand/dashboard-messages';
import { useEffect, useRef, useState } from 'react';
import { FrameViewer } from '../../components/frame-viewer';
import { Section } from '../../components/ui';
import { useLiveStore } from '../../lib/live';
import { useLocation } from '../../lib/router';
import type { Printer } from '../../lib/api/views';

/**
 * The printer's camera, live: while this section is watching, the agent streams snapshots through the api's
 * socket; stopping (or leaving the page) tells the server, and the agent stops within seconds.
 */
function LiveCamera({ printer }: { printer: Printer }) {
  const store = useLiveStore();
  const [url, setUrl] = useState<string | null>(null);
  const [answer, setAnswer] = useState<CameraWatchAnswer | null>(null);
  const [frames, setFrames] = useState(0);
  const current = useRef<string | null>(null);

  useEffect(() => {
    const stop = store.watchCamera(
      printer.id,
      CAMERA_LIMITS.defaultFps,
      (frame) => {
        const next = URL.createObjectURL(new Blob([frame.jpeg as BlobPart], { type: 'image/jpeg' }));
        if (current.current) URL.revokeObjectURL(current.current);
        current.current = next;
        setUrl(next);
        setFrames((count) => count + 1);
      },
      setAnswer,
    );
    return () => {
      stop();
      if (current.current) URL.revokeObjectURL(current.current);
      current.current = null;
    };
  }, [store, printer.id]);

  if (answer && !answer.ok) return <p role="alert">{answer.error.message}</p>;
  return (
    <figure className="snapshot live-camera" data-frames={frames}>
      {url ? (
        <FrameViewer src={url} alt={`Live camera of ${printer.name}`} title={`${printer.name}, live`} />
      ) : (
        <span className="muted">Waiting for the camera…</span>
      )}
      <figcaption className="snapshot-time">{answer?.ok ? `Live · ${answer.fps} fps` : 'Connecting…'}</figcaption>
    </figure>
  );
}

export function LiveCameraSection({ printer }: { printer: Printer }) {
  // `?live=1` (a camera wall tile's link) starts watching at once.
  const { search } = useLocation();
  const [watching, setWatching] = useState(() => search.get('live') === '1');
  return (
    <Section
      title="Live camera"
      actions={
        <button type="button" aria-pressed={watching} onClick={() => setWatching((on) => !on)}>
          {watching ? 'Stop live view' : 'Watch live'}
        </button>
      }
    >
      {watching ? <LiveCamera printer={printer} /> : <p className="muted">The camera streams only while you watch.</p>}
    </Section>
  );
}
