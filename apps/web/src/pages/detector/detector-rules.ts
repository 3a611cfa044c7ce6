import { plural } from '../../lib/format';
import type { Schema } from '../../lib/api/views';

type DetectorHead = Schema<'DetectorHeadDto'>;
type DetectorStatus = Schema<'DetectorDto'>;

/** Why training is not allowed yet, or null when there are enough labels of both kinds. */
export function missingLabels(status: Pick<DetectorStatus, 'labelled' | 'minimum'>): string | null {
  const failure = Math.max(0, status.minimum.failure - status.labelled.failure);
  const ok = Math.max(0, status.minimum.ok - status.labelled.ok);
  if (!failure && !ok) return null;
  const wanted = [failure && plural(failure, 'more failure'), ok && plural(ok, 'more fine frame')].filter(Boolean);
  return `Label ${wanted.join(' and ')} to train a head.`;
}

/** Why a head cannot be activated, or null when it can (the server refuses the same: `head_not_better`). */
export function activationBlocked(head: Pick<DetectorHead, 'state' | 'better'>): string | null {
  if (head.state !== 'candidate') return head.state === 'rejected' ? 'it did worse than the current head.' : null;
  return head.better ? null : 'it did worse than the current head on the held-out frames.';
}

export const percentOf = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);

/** The name of the head scoring frames now, in a sentence ("head v3", "the shipped default head"). */
export function currentHeadName(status: Pick<DetectorStatus, 'activeHeadId' | 'heads'>): string {
  const active = status.heads.find((head) => head.id === status.activeHeadId);
  return active ? `head v${active.version}` : status.activeHeadId ? 'the active head' : 'the shipped default head';
}

/** Whether the candidate's figure is better or worse than the current head's ('' when equal or unmeasured). */
export function comparison(candidate: number | null, current: number | null, higherIsBetter: boolean): string {
  if (candidate === null || current === null || Math.abs(candidate - current) < 1e-9) return '';
  return candidate > current === higherIsBetter ? 'better' : 'worse';
}
