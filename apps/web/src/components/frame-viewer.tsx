import { useState, type ReactNode } from 'react';
import { Dialog } from './ui';

/**
 * A camera frame that opens full size in a dialog when clicked (or activated from the keyboard; Escape or "Close"
 * closes it). `overlay` is drawn over the small image and the full-size one (an alert's boxes).
 */
export function FrameViewer({
  src,
  alt,
  title,
  imageClassName,
  buttonClassName,
  overlay,
  width,
  height,
}: {
  src: string;
  alt: string;
  title: string;
  imageClassName?: string;
  buttonClassName?: string;
  overlay?: ReactNode;
  width?: number;
  height?: number;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={`frame-button${buttonClassName ? ` ${buttonClassName}` : ''}`}
        onClick={() => setOpen(true)}
        aria-label={`Open ${alt} full size`}
      >
        <img src={src} alt={alt} className={imageClassName} width={width} height={height} loading="lazy" />
        {overlay}
      </button>
      <Dialog
        title={title}
        open={open}
        onClose={() => setOpen(false)}
        wide
        footer={
          <button type="button" onClick={() => setOpen(false)}>
            Close
          </button>
        }
      >
        <div className="frame-full-wrap">
          <img className="frame-full" src={src} alt={`${alt}, full size`} />
          {overlay}
        </div>
      </Dialog>
    </>
  );
}
