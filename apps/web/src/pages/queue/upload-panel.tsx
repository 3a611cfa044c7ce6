import { useRef, useState, type ChangeEvent } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { ProgressBar } from '../../components/printer-card';
import { Button } from '../../components/ui';
import { query } from '../../lib/api';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import type { UploadedFile } from '../../lib/api/views';
import { formatBytes, uploadWithProgress, type UploadProgress } from '../../lib/upload';

/** A G-code upload with progress and a cancel button; the library refetches when it is stored. */
export function UploadPanel() {
  const { org } = useOrg();
  const feedback = useFeedback();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [current, setCurrent] = useState<{ name: string; abort: () => void } | null>(null);

  const upload = useApiMutation({
    mutationFn: (file: File) => {
      setProgress({ loaded: 0, total: file.size });
      const handle = uploadWithProgress<UploadedFile>(
        `/api/orgs/${org.id}/files${query({ name: file.name })}`,
        file,
        'application/octet-stream',
        setProgress,
      );
      setCurrent({ name: file.name, abort: handle.abort });
      return handle.done.finally(() => {
        setCurrent(null);
        setProgress(null);
        if (input.current) input.current.value = '';
      });
    },
    feedback,
    success: ({ file, duplicate }) => (duplicate ? `${file.name} was already in the library` : `Uploaded ${file.name}`),
    invalidates: () => [queryKeys.org(org.id).files],
  });

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) upload.mutate(file);
  };

  const percent = progress && progress.total ? (progress.loaded / progress.total) * 100 : 0;
  return (
    <div className="upload-panel">
      <div className="field">
        <label htmlFor="gcode-upload">Upload G-code</label>
        <input
          ref={input}
          id="gcode-upload"
          className="input"
          type="file"
          accept=".gcode,.gco,.g,.bgcode,text/x.gcode"
          disabled={current !== null}
          onChange={choose}
          aria-describedby="gcode-upload-hint"
        />
        <p className="field-hint" id="gcode-upload-hint">
          The slicer's metadata (time, filament, material, nozzle, thumbnails) is read while it uploads.
        </p>
      </div>
      {current && progress && (
        <div className="upload-progress">
          <span>
            Uploading {current.name}: {formatBytes(progress.loaded)} of {formatBytes(progress.total)} (
            {percent.toFixed(0)}%)
          </span>
          <ProgressBar value={percent} label={`Upload of ${current.name}`} />
          <Button variant="ghost" onClick={current.abort}>
            Cancel upload
          </Button>
        </div>
      )}
      <FeedbackNotice feedback={feedback} />
    </div>
  );
}
