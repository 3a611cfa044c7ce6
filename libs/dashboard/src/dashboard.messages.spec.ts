import {
  OFFLINE_LIVE,
  attentionOf,
  diffLive,
  liveFromStatus,
  withAttention,
  type PrinterLive,
  type StatusLike,
} from './dashboard.messages';
import { isAllowedOrigin } from './dashboard.gateway';

const status: StatusLike = {
  state: 'printing',
  stateText: 'Printing',
  temperatures: { tool0: { actual: 209.96, target: 210 }, bed: { actual: 59.94, target: 60 } },
  job: { fileName: 'bracket.gcode' },
  progress: 33.333,
  printTimeLeft: 600,
  error: null,
};

describe('dashboard messages', () => {
  it('rounds sensor noise and ticking clocks to what the dashboard shows', () => {
    expect(liveFromStatus(status)).toMatchObject({
      toolActual: 210,
      bedActual: 60,
      progress: 33.3,
      timeLeft: 600,
      job: 'bracket.gcode',
    });
    expect(liveFromStatus({ ...status, printTimeLeft: 629 }).timeLeft).toBe(600);
    expect(liveFromStatus({ ...status, printTimeLeft: 95 }).timeLeft).toBe(95);
    expect(liveFromStatus({ ...status, temperatures: { tool0: null, bed: null }, progress: Number.NaN })).toMatchObject(
      {
        toolActual: null,
        bedActual: null,
        progress: null,
      },
    );
  });

  it('sends only the fields that changed, and everything the first time', () => {
    const before: PrinterLive = { ...OFFLINE_LIVE, ...liveFromStatus(status) };
    const after: PrinterLive = { ...before, progress: 40, timeLeft: 500 };
    expect(diffLive(before, after)).toEqual({ progress: 40, timeLeft: 500 });
    expect(diffLive(after, after)).toBeNull();
    expect(diffLive(undefined, after)).toEqual(after);
  });
});

describe('dashboard socket origin check', () => {
  const publicUrl = 'https://farm.example.com';
  it('accepts the dashboard itself and clients that send no Origin', () => {
    expect(isAllowedOrigin('https://farm.example.com', 'internal:3000', publicUrl)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:4000', '127.0.0.1:4000', publicUrl)).toBe(true);
    expect(isAllowedOrigin(undefined, 'farm.example.com', publicUrl)).toBe(true);
  });

  it('rejects another site riding the session cookie', () => {
    expect(isAllowedOrigin('https://evil.example', 'farm.example.com', publicUrl)).toBe(false);
    expect(isAllowedOrigin('https://farm.example.com.evil.example', 'farm.example.com', publicUrl)).toBe(false);
    expect(isAllowedOrigin('null', 'farm.example.com', publicUrl)).toBe(false);
  });
});

describe('attentionOf', () => {
  const base = { ...OFFLINE_LIVE, online: true, state: 'operational' };

  it('a ready printer with a clear bed needs no one', () => {
    expect(attentionOf(base)).toBeNull();
  });

  it('the most urgent reason wins: an open alert over a paused print over a plate to clear', () => {
    expect(attentionOf({ ...base, state: 'paused', openAlert: true, bedToClear: 'leftover' })).toBe('failure_alert');
    expect(attentionOf({ ...base, state: 'paused', bedToClear: 'leftover' })).toBe('paused');
    expect(attentionOf({ ...base, state: 'error' })).toBe('error');
    expect(attentionOf({ ...base, bedToClear: 'finished' })).toBe('awaiting_bed_clear');
  });

  it('offline counts only with a copy in progress', () => {
    expect(attentionOf(OFFLINE_LIVE)).toBeNull();
    expect(attentionOf({ ...OFFLINE_LIVE, copyInProgress: true })).toBe('offline_printing');
    // Printing while connected is what a printer should be doing.
    expect(attentionOf({ ...base, state: 'printing', copyInProgress: true })).toBeNull();
  });

  it('withAttention keeps the object when nothing changes', () => {
    const live = { ...base, attention: null };
    expect(withAttention(live)).toBe(live);
    expect(withAttention({ ...live, bedToClear: 'finished' }).attention).toBe('awaiting_bed_clear');
  });
});
