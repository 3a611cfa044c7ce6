import { useQuery } from '@tanstack/react-query';
import type { Feedback } from '../../components/feedback';
import { client, unwrap } from '../../lib/api';
import type { Schema } from '../../lib/api/views';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';
import { uploadWithProgress } from '../../lib/upload';

export type MaintenanceStatus = Schema<'MaintenanceStatusDto'>;
export type MaintenanceTaskView = Schema<'MaintenanceTaskDto'>;
export type NewMaintenanceTask = Schema<'CreateMaintenanceTaskDto'>;

export function useMaintenance() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).maintenance,
    queryFn: () => unwrap(client.GET('/api/orgs/{orgId}/maintenance', { params: { path: { orgId: org.id } } })),
  });
}

export function useCreateTask(feedback: Feedback, onCreated: () => void) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: (task: NewMaintenanceTask) =>
      unwrap(client.POST('/api/orgs/{orgId}/maintenance/tasks', { params: { path: { orgId: org.id } }, body: task })),
    feedback,
    success: (created) => `Task “${created.name}” added`,
    onSuccess: onCreated,
    invalidates: () => [queryKeys.org(org.id).maintenance],
  });
}

export function useCompleteTask(feedback: Feedback, onDone: () => void) {
  const { org } = useOrg();
  return useApiMutation({
    mutationFn: async ({
      status,
      notes,
      checklist,
      photos = [],
    }: {
      status: MaintenanceStatus;
      notes: string;
      checklist: boolean[];
      photos?: File[];
    }) => {
      const done = await unwrap(
        client.POST('/api/orgs/{orgId}/maintenance/tasks/{taskId}/complete', {
          params: { path: { orgId: org.id, taskId: status.taskId } },
          body: { printerId: status.printerId, checklist, ...(notes.trim() ? { notes: notes.trim() } : {}) },
        }),
      );
      // The record exists from here; each photo is its own upload (the server re-encodes and may refuse one).
      for (const photo of photos)
        await uploadWithProgress(
          `/api/orgs/${org.id}/maintenance/completions/${done.id}/photos`,
          photo,
          photo.type,
          () => undefined,
        ).done;
      return done;
    },
    feedback,
    success: (_, { status }) => `${status.taskName} done on ${status.printerName}`,
    onSuccess: onDone,
    invalidates: () => [queryKeys.org(org.id).maintenance],
  });
}
