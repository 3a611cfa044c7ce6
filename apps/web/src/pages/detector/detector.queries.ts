import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Feedback } from '../../components/feedback';
import { subject } from '@casl/ability';
import { client as api, unwrap } from '../../lib/api';
import type { AppAbility } from '../../lib/ability';
import type { Schema } from '../../lib/api/views';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';

// The detector API (issue 12 point 8), typed by the generated contract.
export type FrameLabelValue = Schema<'FrameLabel'>;
export type FrameLabel = Schema<'FrameLabelDto'>;
export type HeadMetrics = Schema<'HeadMetricsDto'>;
export type DetectorHead = Schema<'DetectorHeadDto'>;
export type DetectorStatus = Schema<'DetectorDto'>;

/** Who sees the detector page: `read Detector`, a whole-organization subject (owners, admins). */
export function mayReadDetector(ability: AppAbility): boolean {
  return ability.can('read', 'Detector');
}

/** Training, activating and rolling back: `manage Detector` (owners and admins of the whole organization). */
export function mayManageDetector(ability: AppAbility): boolean {
  return ability.can('manage', 'Detector');
}

/** Labelling a frame: `update DetectionFrame` on its printer's fleet (operators and up, in their fleets). */
export function mayLabelFrames(ability: AppAbility, printer: { orgId: string; fleetId: string }): boolean {
  return ability.can('update', subject('DetectionFrame', { orgId: printer.orgId, fleetId: printer.fleetId }));
}

const BUSY_STATES = new Set<DetectorStatus['training']['state']>(['queued', 'running']);

export const isTraining = (status: DetectorStatus | undefined) =>
  status !== undefined && BUSY_STATES.has(status.training.state);

/**
 * The organization's detector: labels, training, heads. While a training is queued or running it is polled every
 * 2 s as well as refreshed by the `detector.changed` hint (a missed hint never leaves the progress frozen).
 */
export function useDetector() {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).detector,
    queryFn: () => unwrap(api.GET('/api/orgs/{orgId}/detector', { params: { path: { orgId: org.id } } })),
    refetchInterval: (query) => (isTraining(query.state.data) ? 2000 : false),
  });
}

export function useTrainHead(feedback: Feedback) {
  const { org } = useOrg();
  const keys = queryKeys.org(org.id);
  return useApiMutation({
    mutationFn: () => unwrap(api.POST('/api/orgs/{orgId}/detector/train', { params: { path: { orgId: org.id } } })),
    feedback,
    success: () => 'Training queued: the new head is measured against the current one when it is done.',
    invalidates: () => [keys.detector],
  });
}

export function useActivateHead(feedback: Feedback) {
  const { org } = useOrg();
  const keys = queryKeys.org(org.id);
  return useApiMutation({
    mutationFn: (head: DetectorHead) =>
      unwrap(
        api.POST('/api/orgs/{orgId}/detector/heads/{headId}/activate', {
          params: { path: { orgId: org.id, headId: head.id } },
        }),
      ),
    feedback,
    about: (head) => `Head v${head.version}`,
    success: (head) => `Head v${head.version} is active: new frames are scored with it.`,
    invalidates: () => [keys.detector],
  });
}

export function useRollback(feedback: Feedback) {
  const { org } = useOrg();
  const keys = queryKeys.org(org.id);
  return useApiMutation({
    mutationFn: () => unwrap(api.POST('/api/orgs/{orgId}/detector/rollback', { params: { path: { orgId: org.id } } })),
    feedback,
    success: (answer) =>
      answer.activeHeadId ? 'Rolled back to the previous head.' : 'Rolled back to the shipped default head.',
    invalidates: () => [keys.detector],
  });
}

/** A person's label on one frame (all null when nobody labelled it); a change made here replaces it at once. */
export function useFrameLabel(printerId: string, frameId: string, enabled = true) {
  const { org } = useOrg();
  return useQuery({
    queryKey: queryKeys.org(org.id).frameLabel(frameId),
    queryFn: () =>
      unwrap(
        api.GET('/api/orgs/{orgId}/printers/{printerId}/frames/{frameId}/label', {
          params: { path: { orgId: org.id, printerId, frameId } },
        }),
      ),
    enabled,
  });
}

/** A person's label on one frame; the answer becomes the frame's known label, and the detector's counts refetch. */
export function useLabelFrame(feedback: Feedback) {
  const { org } = useOrg();
  const client = useQueryClient();
  const keys = queryKeys.org(org.id);
  return useApiMutation({
    mutationFn: ({
      printerId,
      frameId,
      label,
    }: {
      printerId: string;
      frameId: string;
      label: FrameLabelValue | null;
    }) =>
      unwrap(
        api.PUT('/api/orgs/{orgId}/printers/{printerId}/frames/{frameId}/label', {
          params: { path: { orgId: org.id, printerId, frameId } },
          body: { label },
        }),
      ),
    feedback,
    // No success notice: the frame's label line (a polite live region) says what it is now.
    onSuccess: (answer, { frameId }) => client.setQueryData(keys.frameLabel(frameId), answer),
    invalidates: () => [keys.detector],
  });
}
