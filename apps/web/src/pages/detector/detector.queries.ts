import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Feedback } from '../../components/feedback';
import { apiErrorOf, apiFetch } from '../../lib/api';
import { canOnPrinter, type AppAbility } from '../../lib/ability';
import { useApiMutation } from '../../lib/mutations';
import { queryKeys } from '../../lib/query-keys';
import { useOrg } from '../../lib/session';

// The detector API (docs: the detector contract). Written against the contract until its generated types land.
export type FrameLabelValue = 'failure' | 'ok';

export interface FrameLabel {
  frameId: string;
  label: FrameLabelValue | null;
  labelledBy: string | null;
  labelledAt: string | null;
}

export interface HeadMetrics {
  precision: number | null;
  recall: number | null;
  falseAlarmRate: number | null;
}

export interface DetectorHead {
  id: string;
  version: number;
  state: 'candidate' | 'active' | 'retired' | 'rejected';
  createdAt: string;
  activatedAt: string | null;
  activatedBy: string | null;
  trainedOn: { failure: number; ok: number };
  heldOut: { failure: number; ok: number };
  threshold: number;
  metrics: { candidate: HeadMetrics; current: HeadMetrics };
  better: boolean;
}

export interface DetectorStatus {
  activeHeadId: string | null;
  labelled: { failure: number; ok: number; fromVerdicts: number; fromPeople: number };
  minimum: { failure: number; ok: number };
  training: {
    state: 'idle' | 'queued' | 'running' | 'failed';
    startedAt: string | null;
    finishedAt: string | null;
    error: string | null;
    progress: number | null;
  };
  heads: DetectorHead[];
}

async function call<T>(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await apiFetch(
    new Request(path, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const answer: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw apiErrorOf(response.status, answer);
  return answer as T;
}

/** Who sees the detector page: the detection settings' readers at the organization level (owners, admins). */
export function mayReadDetector(ability: AppAbility): boolean {
  return ability.can('update', 'Organization');
}

/** Training, activating and rolling back: owners and admins of the whole organization. */
export function mayManageDetector(ability: AppAbility): boolean {
  return ability.can('update', 'Organization');
}

/** Labelling a frame: whoever may change the printer's settings (operators and up, in their fleets). */
export function mayLabelFrames(ability: AppAbility, printer: { orgId: string; fleetId: string }): boolean {
  return canOnPrinter(ability, 'update', printer);
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
    queryFn: () => call<DetectorStatus>('GET', `/api/orgs/${org.id}/detector`),
    refetchInterval: (query) => (isTraining(query.state.data) ? 2000 : false),
  });
}

export function useTrainHead(feedback: Feedback) {
  const { org } = useOrg();
  const keys = queryKeys.org(org.id);
  return useApiMutation({
    mutationFn: () => call<{ state: 'queued' }>('POST', `/api/orgs/${org.id}/detector/train`),
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
      call<DetectorHead>('POST', `/api/orgs/${org.id}/detector/heads/${encodeURIComponent(head.id)}/activate`),
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
    mutationFn: () => call<{ activeHeadId: string | null }>('POST', `/api/orgs/${org.id}/detector/rollback`),
    feedback,
    success: (answer) =>
      answer.activeHeadId ? 'Rolled back to the previous head.' : 'Rolled back to the shipped default head.',
    invalidates: () => [keys.detector],
  });
}

/**
 * What this page knows of a frame's label: the server's answer to the last change made here (the contract has no
 * read of one frame's label), `null` until then.
 */
export function useFrameLabel(frameId: string) {
  const { org } = useOrg();
  const client = useQueryClient();
  const queryKey = queryKeys.org(org.id).frameLabel(frameId);
  return useQuery({
    queryKey,
    // A refetch (the organization's queries after a reconnect) keeps what is known.
    queryFn: () => Promise.resolve(client.getQueryData<FrameLabel | null>(queryKey) ?? null),
    staleTime: Infinity,
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
      call<FrameLabel>(
        'PUT',
        `/api/orgs/${org.id}/printers/${encodeURIComponent(printerId)}/frames/${encodeURIComponent(frameId)}/label`,
        { label },
      ),
    feedback,
    // No success notice: the frame's label line (a polite live region) says what it is now.
    onSuccess: (answer, { frameId }) => client.setQueryData(keys.frameLabel(frameId), answer),
    invalidates: () => [keys.detector],
  });
}
