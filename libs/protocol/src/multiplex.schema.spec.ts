import {
  attachResultSchema,
  attachSchema,
  detachedSchema,
  printerEnvelopeSchema,
  MULTIPLEX_VERSION,
} from './multiplex.schema';
import { PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS, SINGLE_PRINTER_PROTOCOL_VERSION } from './protocol.constants';

describe('multiplexed gateway messages (protocol 2)', () => {
  it('is the current version, and single-printer agents keep speaking version 1', () => {
    expect(PROTOCOL_VERSION).toBe(MULTIPLEX_VERSION);
    expect(SUPPORTED_PROTOCOL_VERSIONS).toEqual([1, 2]);
    expect(SINGLE_PRINTER_PROTOCOL_VERSION).toBe(1);
  });

  it('accepts an envelope naming a printer id and refuses hostile printer ids (NUL, lone surrogate, too long)', () => {
    const id = '0b8f2c0e-7f55-4c52-9d0b-2b3c0f7a1e11';
    expect(printerEnvelopeSchema.safeParse({ printerId: id, event: 'status', data: { any: 1 } }).success).toBe(true);
    for (const printerId of [`${id}\u0000`, '\ud800', 'a'.repeat(65), '', '../printer', 42, null]) {
      expect(printerEnvelopeSchema.safeParse({ printerId, event: 'status', data: {} }).success).toBe(false);
    }
    expect(printerEnvelopeSchema.safeParse({ printerId: id, event: '', data: {} }).success).toBe(false);
  });

  it('bounds an attach credential and reads both attach answers', () => {
    expect(attachSchema.safeParse({ credential: 'fh_agent_x_y' }).success).toBe(true);
    expect(attachSchema.safeParse({ credential: 'x'.repeat(513) }).success).toBe(false);
    expect(attachSchema.safeParse({ credential: 7 }).success).toBe(false);
    expect(attachResultSchema.safeParse({ ok: true, printerId: 'p-1' }).success).toBe(true);
    expect(attachResultSchema.safeParse({ ok: false, code: 'unauthorized', message: 'no' }).success).toBe(true);
    expect(attachResultSchema.safeParse({ ok: false, code: 'teapot', message: 'no' }).success).toBe(false);
  });

  it('names why an attachment ended', () => {
    expect(detachedSchema.safeParse({ printerId: 'p-1', reason: 'revoked' }).success).toBe(true);
    expect(detachedSchema.safeParse({ printerId: 'p-1', reason: 'bored' }).success).toBe(false);
  });
});
