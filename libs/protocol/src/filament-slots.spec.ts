import { AGENT_EVENTS } from './protocol.constants';
import { parseAgentMessage } from './parse-message';

const status = (filamentSlots: unknown) => ({
  state: 'operational',
  stateText: null,
  backend: 'ok',
  temperatures: { tool0: null, bed: null },
  job: null,
  progress: null,
  printTime: null,
  printTimeLeft: null,
  z: null,
  error: null,
  filamentSlots,
  sentAt: Date.now(),
});

describe('filament slots in the status message', () => {
  it('accepts the AMS trays a Bambu agent reports', () => {
    const result = parseAgentMessage(AGENT_EVENTS.status, status([{ slot: 5, material: 'PLA', colorHex: '#FF0000' }]));
    expect(result).toMatchObject({ ok: true, value: { data: { filamentSlots: [{ slot: 5 }] } } });
  });

  it.each([
    ['a NUL in the material', [{ slot: 0, material: 'PLA\u0000', colorHex: null }]],
    ['a lone surrogate in the material', [{ slot: 0, material: '\ud800', colorHex: null }]],
    ['a colour that is not #RRGGBB', [{ slot: 0, material: 'PLA', colorHex: 'red' }]],
    ['a slot past any AMS', [{ slot: 255, material: 'PLA', colorHex: null }]],
    ['33 slots', Array.from({ length: 33 }, (_, slot) => ({ slot, material: 'PLA', colorHex: null }))],
  ])('refuses slots with %s', (_label, slots) => {
    expect(parseAgentMessage(AGENT_EVENTS.status, status(slots))).toMatchObject({ ok: false });
  });
});
