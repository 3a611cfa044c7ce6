import { DomainException } from '@farmhand/core';
import { normalizeViewQuery } from './saved-views.service';

describe('normalizeViewQuery', () => {
  it('keeps the known keys in a fixed order, drops empty values and a leading ?', () => {
    expect(normalizeViewQuery('?view=list&q=&sort=time&attention=any')).toBe('attention=any&sort=time&view=list');
    expect(normalizeViewQuery('')).toBe('');
  });

  it('refuses unknown keys, a key twice and over-long values', () => {
    for (const query of ['next=/evil', 'sort=time&sort=name', `q=${'x'.repeat(201)}`]) {
      expect(() => normalizeViewQuery(query)).toThrow(DomainException);
    }
  });
});
