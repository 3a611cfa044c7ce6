import { commandSchema } from '@farmhand/protocol';
import { dispatchCommandId } from './dispatch.jobs';

describe('dispatch command ids', () => {
  const copyId = '3f2b8c1e-4a5d-4e6f-8a9b-0c1d2e3f4a5b';

  it('are the same for every retry of one attempt, and differ between attempts and copies', () => {
    expect(dispatchCommandId(copyId, 1)).toBe(dispatchCommandId(copyId, 1));
    expect(dispatchCommandId(copyId, 2)).not.toBe(dispatchCommandId(copyId, 1));
    expect(dispatchCommandId('5f2b8c1e-4a5d-4e6f-8a9b-0c1d2e3f4a5b', 1)).not.toBe(dispatchCommandId(copyId, 1));
  });

  it('are UUIDs the protocol accepts as a command id', () => {
    for (let attempt = 1; attempt <= 50; attempt++) {
      const parsed = commandSchema.safeParse({ id: dispatchCommandId(copyId, attempt), type: 'pause', args: {} });
      expect(parsed.success).toBe(true);
    }
  });
});
