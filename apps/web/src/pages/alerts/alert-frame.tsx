import { FrameViewer } from '../../components/frame-viewer';
import { useOrg } from '../../lib/session';
import type { AlertView } from '../../lib/api/views';

/** Percent of the frame, for a box's CSS position. */
const percent = (fraction: number) => `${(Math.min(1, Math.max(0, fraction)) * 100).toFixed(2)}%`;

/**
 * The webcam frame an alert was raised on, opening full size in a dialog, with the boxes where the detector saw the
 * failure drawn over it (the image is stretched to the box, never cropped, so the fractions line up).
 */
export function AlertFrame({ alert }: { alert: AlertView }) {
  const { org } = useOrg();
  if (!alert.frameId) return <span className="muted">No frame</span>;
  const src = `/api/orgs/${org.id}/frames/${alert.frameId}`;
  const boxes = alert.boxes ?? [];
  const marked = boxes.length
    ? `, ${boxes.length} area${boxes.length === 1 ? '' : 's'} marked where the detector saw it`
    : '';
  const overlay = boxes.map((box, index) => (
    <span
      key={index}
      className="alert-box"
      data-testid="alert-box"
      aria-hidden="true"
      style={{ left: percent(box.x), top: percent(box.y), width: percent(box.w), height: percent(box.h) }}
    />
  ));
  return (
    <FrameViewer
      src={src}
      alt={`Webcam frame of ${alert.printerName} when the alert was raised${marked}`}
      title={`${alert.printerName}: the frame that raised the alert`}
      buttonClassName="alert-frame-link"
      imageClassName="alert-frame"
      width={96}
      height={72}
      overlay={overlay}
    />
  );
}
