import { useState } from 'react';
import { FeedbackNotice, useFeedback } from '../../components/feedback';
import { Button, ConfirmDialog, EmptyState } from '../../components/ui';
import { formatDate, formatDuration } from '../../lib/format';
import { useOrg } from '../../lib/session';
import type { GcodeFile } from '../../lib/api/views';
import { formatBytes } from '../../lib/upload';
import { extentOf, filamentOf, thumbnailOf } from './queue-format';
import { useDeleteFile } from './queue.queries';

/** The organization's G-code files with what their slicer says, to queue or delete. */
export function Library({ files, onQueue }: { files: GcodeFile[]; onQueue: (fileId: string) => void }) {
  const { org, ability } = useOrg();
  const feedback = useFeedback();
  const remove = useDeleteFile(feedback);
  const [pending, setPending] = useState<GcodeFile | null>(null);
  const mayQueue = ability.can('create', 'Job');
  const mayDelete = ability.can('delete', 'File');

  if (!files.length) return <EmptyState title="No files yet" />;
  return (
    <>
      <FeedbackNotice feedback={feedback} />
      <div className="table-wrap">
        <table className="table table-dense table-stack">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">Thumbnail</span>
              </th>
              <th scope="col">Name</th>
              <th scope="col">Time</th>
              <th scope="col">Filament</th>
              <th scope="col">Material</th>
              <th scope="col">Nozzle</th>
              <th scope="col">Extent</th>
              <th scope="col">Uploaded</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {files.map((file) => {
              const thumbnail = thumbnailOf(org.id, file);
              return (
                <tr key={file.id}>
                  <td>
                    {thumbnail ? (
                      <img className="file-thumb" src={thumbnail} alt="" loading="lazy" width={48} height={48} />
                    ) : (
                      <span className="file-thumb file-thumb-empty" aria-hidden="true" />
                    )}
                  </td>
                  <td>
                    <div className="strong">{file.name}</div>
                    <div className="muted small">
                      {formatBytes(file.sizeBytes)}
                      {file.metadata.slicer ? ` · ${file.metadata.slicer}` : ''}
                    </div>
                  </td>
                  <td className="numeric" data-label="Time">
                    {formatDuration(file.metadata.estimatedTimeSeconds)}
                  </td>
                  <td className="numeric" data-label="Filament">
                    {filamentOf(file)}
                  </td>
                  <td data-label="Material">{file.metadata.materials.join(', ') || file.metadata.material || '—'}</td>
                  <td className="numeric" data-label="Nozzle">
                    {file.metadata.nozzleDiameterMm === null ? '—' : `${file.metadata.nozzleDiameterMm} mm`}
                  </td>
                  <td className="nowrap" data-label="Extent">
                    {extentOf(file)}
                  </td>
                  <td data-label="Uploaded">
                    {formatDate(file.createdAt)}
                    <div className="muted small">{file.uploadedByLabel}</div>
                  </td>
                  <td className="row-actions">
                    {mayQueue && (
                      <Button onClick={() => onQueue(file.id)}>
                        Queue<span className="visually-hidden"> {file.name}</span>
                      </Button>
                    )}
                    {mayDelete && (
                      <Button variant="ghost" onClick={() => setPending(file)}>
                        Delete<span className="visually-hidden"> {file.name}</span>
                      </Button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={pending !== null}
        title={pending ? `Delete ${pending.name}?` : ''}
        confirmLabel="Delete file"
        tone="danger"
        busy={remove.isPending}
        onConfirm={() => pending && remove.mutate(pending, { onSettled: () => setPending(null) })}
        onCancel={() => setPending(null)}
      >
        The file leaves the library; past prints keep its name in their history. Files of unfinished jobs cannot be
        deleted.
      </ConfirmDialog>
    </>
  );
}
