import { DomainException } from '@farmhand/core';
import { assertTransition, canTransition, COPY_STATES, requeueRefusal, type CopyState } from './copy-state';

describe('print copy state machine', () => {
  it.each<[CopyState, CopyState]>([
    ['queued', 'assigned'],
    ['assigned', 'uploading'],
    ['uploading', 'printing'],
    ['printing', 'awaiting_bed_clear'],
    ['awaiting_bed_clear', 'done'],
    ['printing', 'done'],
    ['printing', 'failed'],
    ['failed', 'queued'],
    ['assigned', 'queued'],
  ])('allows %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true);
  });

  it.each<[CopyState, CopyState]>([
    ['queued', 'printing'],
    ['queued', 'done'],
    ['uploading', 'assigned'],
    ['printing', 'queued'],
    ['printing', 'assigned'],
    ['awaiting_bed_clear', 'printing'],
    ['done', 'printing'],
    ['cancelled', 'printing'],
    ['failed', 'done'],
  ])('refuses %s -> %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
  });

  it('never lets a copy stay where it is by "moving" to its own state', () => {
    for (const state of COPY_STATES) expect(canTransition(state, state)).toBe(false);
  });

  it('answers 409 naming the state', () => {
    try {
      assertTransition('done', 'cancelled', 'cancel');
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainException);
      expect((error as DomainException).status).toBe(409);
      expect((error as DomainException).message).toBe('Cannot cancel a copy that is done');
      expect((error as DomainException).details).toEqual({ state: 'done' });
    }
  });

  it('requeues failed, cancelled, bad and lost copies only', () => {
    expect(requeueRefusal({ state: 'failed', outcome: null, lost: false })).toBeNull();
    expect(requeueRefusal({ state: 'done', outcome: 'bad', lost: false })).toBeNull();
    expect(requeueRefusal({ state: 'printing', outcome: null, lost: true })).toBeNull();
    expect(requeueRefusal({ state: 'done', outcome: 'good', lost: false })).toMatch(/good/);
    expect(requeueRefusal({ state: 'printing', outcome: null, lost: false })).toMatch(/printing/);
  });
});
