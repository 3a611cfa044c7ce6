import { AGENT_OFFLINE_PATCH, OFFLINE_LIVE, type DashboardOrgEvent } from './dashboard.messages';
import { MAX_PENDING_ORG_EVENTS, orgEventKey, stageOrgEvent } from './org-events';

const at = '2026-11-26T20:00:00.000Z';
const copyMoved = (copyId: string, state: string): DashboardOrgEvent => ({
  kind: 'queue',
  jobId: 'job-1',
  copyId,
  printerId: 'printer-1',
  state,
  at,
});

describe('organization events', () => {
  it('keeps the latest event per copy, job, alert and cleared plate, newest last', () => {
    const pending = new Map<string, DashboardOrgEvent>();
    const events: DashboardOrgEvent[] = [
      copyMoved('copy-1', 'assigned'),
      { kind: 'queue', jobId: 'job-1', copyId: null, printerId: null, state: 'created', at },
      copyMoved('copy-1', 'uploading'),
      { kind: 'queue', jobId: 'job-1', copyId: 'copy-1', printerId: 'printer-1', state: 'bed_cleared', at },
      { kind: 'alert', alertId: 'alert-1', printerId: 'printer-1', level: 'warning', state: 'open', at },
      copyMoved('copy-1', 'printing'),
    ];
    for (const event of events) stageOrgEvent(pending, orgEventKey(event), event);
    expect([...pending.values()].map((event) => ('state' in event ? event.state : null))).toEqual([
      'created',
      'bed_cleared',
      'open',
      'printing',
    ]);
  });

  it('holds at most MAX_PENDING_ORG_EVENTS, dropping the oldest', () => {
    const pending = new Map<string, DashboardOrgEvent>();
    for (let index = 0; index < MAX_PENDING_ORG_EVENTS + 5; index++) {
      const event = copyMoved(`copy-${index}`, 'assigned');
      stageOrgEvent(pending, orgEventKey(event), event);
    }
    expect(pending.size).toBe(MAX_PENDING_ORG_EVENTS);
    expect(pending.has('copy:copy-0')).toBe(false);
    expect(pending.has(`copy:copy-${MAX_PENDING_ORG_EVENTS + 4}`)).toBe(true);
  });

  it("an agent going offline resets the agent's fields and leaves the detector's and the queue's", () => {
    expect(Object.keys(AGENT_OFFLINE_PATCH).sort()).toEqual(
      Object.keys(OFFLINE_LIVE)
        .filter(
          (key) =>
            !['failureScore', 'snapshotAt', 'bedToClear', 'openAlert', 'copyInProgress', 'attention'].includes(key),
        )
        .sort(),
    );
    expect(AGENT_OFFLINE_PATCH).toMatchObject({ online: false, state: 'offline', progress: null });
  });
});
