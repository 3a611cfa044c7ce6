import { BackendConfigError } from '../backend/backend-factory';
import { bambuModelOf } from './bambu-factory';

describe('Bambu model for a gateway entry', () => {
  it('takes options.model, in the spellings people write', () => {
    expect(bambuModelOf('ANY', 'p1s')).toBe('P1S');
    expect(bambuModelOf('ANY', 'A1 mini')).toBe('A1M');
    expect(bambuModelOf('ANY', 'X1-C')).toBe('X1C');
  });

  it('infers it only from serial prefixes whose model is certain', () => {
    expect(bambuModelOf('01P00A123456789', undefined)).toBe('P1S');
    expect(bambuModelOf('00M09A123456789', undefined)).toBe('X1C');
    expect(() => bambuModelOf('0FFFFF123456789', undefined)).toThrow(BackendConfigError);
    expect(() => bambuModelOf('01P00A123456789', 'Ender 3')).toThrow(/unknown Bambu model/);
  });
});
