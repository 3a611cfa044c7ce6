import { useState } from 'react';
import { useFeedback, FeedbackNotice } from '../../components/feedback';
import { QueryState } from '../../components/query-state';
import { Button, PageHeader, Section } from '../../components/ui';
import { plural } from '../../lib/format';
import { useOrg } from '../../lib/session';
import { BedClearList } from './bed-clear';
import { CreateJobDialog } from './create-job-dialog';
import { Library } from './library';
import { QueueList } from './queue-list';
import { useFiles, useJobs, useReadiness } from './queue.queries';
import { UploadPanel } from './upload-panel';

/**
 * The print queue: plates to clear, the jobs in order, and the file library. What it shows is refetched when the
 * `/dashboard` socket hints that the queue changed (a job, a copy, a bed), so it follows the farm without a reload.
 */
export function QueuePage() {
  const { ability } = useOrg();
  const files = useFiles();
  const jobs = useJobs();
  const readiness = useReadiness();
  const feedback = useFeedback();
  const [creating, setCreating] = useState<{ fileId: string | null } | null>(null);
  const fileList = files.data?.files ?? [];
  const mayUpload = ability.can('create', 'File');
  const mayQueue = ability.can('create', 'Job');

  return (
    <div className="page">
      <PageHeader
        title="Queue"
        subtitle="Jobs print in this order on the first ready printer that meets their requirements."
        actions={
          mayQueue && (
            <Button variant="primary" onClick={() => setCreating({ fileId: null })} disabled={!fileList.length}>
              New job
            </Button>
          )
        }
      />
      <FeedbackNotice feedback={feedback} />
      {readiness.data && <BedClearList printers={readiness.data.printers} jobs={jobs.data?.jobs ?? []} />}
      <Section title={`Queue${jobs.data ? ` (${jobs.data.total})` : ''}`}>
        <QueryState query={jobs}>{(data) => <QueueList jobs={data.jobs} />}</QueryState>
      </Section>
      <Section title="Library">
        {mayUpload && <UploadPanel />}
        <QueryState query={files}>
          {(data) => <Library files={data.files} onQueue={(fileId) => setCreating({ fileId })} />}
        </QueryState>
      </Section>
      {creating && (
        <CreateJobDialog
          key={creating.fileId ?? 'new'}
          files={fileList}
          initialFileId={creating.fileId}
          onClose={() => setCreating(null)}
          onCreated={(job) => {
            setCreating(null);
            feedback.succeed(`Queued ${plural(job.copies, 'copy', 'copies')} of ${job.name}`);
          }}
        />
      )}
    </div>
  );
}
