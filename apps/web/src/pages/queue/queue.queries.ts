import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Feedback } from '../../components/feedback';
import { client, unwrap } from '../../lib/api';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import type { GcodeFile, JobList, PrintJob, Schema } from '../../lib/api/views';

export function useFiles() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).files,
    queryFn: () =>
      unwrap(
        client.GET('/api/orgs/{orgId}/files', {
          params: { path: { orgId: org.id }, query: { limit: 200 } },
        }),
      ),
  });
}

/** The unfinished jobs in queue order; every queue hint of the socket refetches it. */
export function useJobs() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).jobs,
    queryFn: () =>
      unwrap(
        client.GET('/api/orgs/{orgId}/jobs', {
          params: { path: { orgId: org.id }, query: { status: 'active', limit: 200 } },
        }),
      ),
  });
}

export function useJob(jobId: string) {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).job(jobId),
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/jobs/{jobId}', { params: { path: { orgId: org.id, jobId } } })),
  });
}

export function useReadiness() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).readiness,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/queue/readiness', { params: { path: { orgId: org.id } } })),
  });
}

/**
 * The options every change of the queue shares: its queries refetch once the last change in flight settled (socket
 * hints wait for it too), so an optimistic order is never undone by a refetch of an older one.
 */
function useQueueMutationBase() {
  const { org } = useOrg();
  const keys = queryKeys.org(org.id);
  return { orgId: org.id, keys, mutationKey: keys.queue, invalidates: () => [keys.queue] };
}

/** Shows `change` on the cached job list at once; returns the list as it was, for a refusal to put back. */
function useOptimisticJobs() {
  const queryClient = useQueryClient();
  const { keys } = useQueueMutationBase();
  return {
    change: async (change: (jobs: PrintJob[]) => PrintJob[]) => {
      await queryClient.cancelQueries({ queryKey: keys.jobs });
      const before = queryClient.getQueryData<JobList>(keys.jobs);
      if (before) queryClient.setQueryData<JobList>(keys.jobs, { ...before, jobs: change(before.jobs) });
      return before;
    },
    restore: (before: JobList | undefined) => {
      if (before) queryClient.setQueryData(keys.jobs, before);
    },
  };
}

export type MoveDirection = 'up' | 'down';

/**
 * Moves a job one place, relative to its neighbour: the list shows the new order at once, moves run one after
 * another in the order they were asked for (so pressing "up" twice moves twice), and a refused move puts the list
 * back.
 */
export function useReorderJob(feedback: Feedback) {
  const base = useQueueMutationBase();
  const optimistic = useOptimisticJobs();
  return useApiMutation({
    ...base,
    scope: `reorder:${base.orgId}`,
    mutationFn: ({ job, neighbour, direction }: { job: PrintJob; neighbour: PrintJob; direction: MoveDirection }) =>
      unwrap(
        client.POST('/api/orgs/{orgId}/jobs/{jobId}/reorder', {
          params: { path: { orgId: base.orgId, jobId: job.id } },
          body: direction === 'up' ? { beforeJobId: neighbour.id } : { afterJobId: neighbour.id },
        }),
      ),
    feedback,
    about: ({ job }) => job.name,
    optimistic: ({ job, neighbour, direction }) =>
      optimistic.change((jobs) => {
        const rest = jobs.filter((candidate) => candidate.id !== job.id);
        const at = rest.findIndex((candidate) => candidate.id === neighbour.id);
        if (at < 0) return jobs;
        rest.splice(direction === 'up' ? at : at + 1, 0, job);
        return rest;
      }),
    rollback: optimistic.restore,
  });
}

/** Hold or release a job (shown at once), or cancel it (after a confirmation, shown when the server answered). */
export function useJobAction(feedback: Feedback) {
  const base = useQueueMutationBase();
  const optimistic = useOptimisticJobs();
  return useApiMutation({
    ...base,
    mutationFn: ({ job, action }: { job: PrintJob; action: 'hold' | 'release' | 'cancel' }) =>
      unwrap(
        client.POST(`/api/orgs/{orgId}/jobs/{jobId}/${action}`, {
          params: { path: { orgId: base.orgId, jobId: job.id } },
        }),
      ),
    feedback,
    about: ({ job }) => job.name,
    success: (_, { job, action }) =>
      action === 'cancel'
        ? `Cancelled ${job.name}: queued copies will not print, prints on printers are being stopped`
        : action === 'hold'
          ? `Held ${job.name}`
          : `Released ${job.name}`,
    optimistic: ({ job, action }) =>
      action === 'cancel'
        ? undefined
        : optimistic.change((jobs) =>
            jobs.map((candidate) =>
              candidate.id !== job.id
                ? candidate
                : {
                    ...candidate,
                    held: action === 'hold',
                    status: action === 'hold' ? 'held' : candidate.status === 'held' ? 'queued' : candidate.status,
                  },
            ),
          ),
    rollback: optimistic.restore,
  });
}

export type NewJob = Schema<'CreateJobDto'>;

export function useCreateJob(feedback: Feedback, onCreated: (job: PrintJob) => void) {
  const base = useQueueMutationBase();
  return useApiMutation({
    ...base,
    mutationFn: (job: NewJob) =>
      unwrap(client.POST('/api/orgs/{orgId}/jobs', { params: { path: { orgId: base.orgId } }, body: job })),
    feedback,
    onSuccess: onCreated,
  });
}

export type BedClear = Schema<'ConfirmBedClearDto'> & { printerId: string };

export function useClearBed(feedback: Feedback, onCleared: (clear: BedClear) => void) {
  const base = useQueueMutationBase();
  return useApiMutation({
    ...base,
    mutationFn: ({ printerId, ...body }: BedClear) =>
      unwrap(
        client.POST('/api/orgs/{orgId}/printers/{printerId}/bed/clear', {
          params: { path: { orgId: base.orgId, printerId } },
          body,
        }),
      ),
    feedback,
    onSuccess: (_, clear) => onCleared(clear),
  });
}

export function useDeleteFile(feedback: Feedback) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: (file: GcodeFile) =>
      unwrap(
        client.DELETE('/api/orgs/{orgId}/files/{fileId}', { params: { path: { orgId: org.id, fileId: file.id } } }),
      ),
    feedback,
    about: (file) => file.name,
    invalidates: () => [queryKeys.org(org.id).files],
  });
}

export type PrintOnPrinters = Schema<'PrintOnPrintersDto'>;
export type PinnedPrintOutcome = Schema<'PinnedPrintOutcomeDto'>;

/** "Print this file on the selected printers": one job pinned to each, with every printer's outcome. */
export function usePrintOnPrinters(feedback: Feedback) {
  const base = useQueueMutationBase();
  return useApiMutation({
    ...base,
    mutationFn: (body: PrintOnPrinters) =>
      unwrap(client.POST('/api/orgs/{orgId}/jobs/on-printers', { params: { path: { orgId: base.orgId } }, body })),
    feedback,
  });
}
