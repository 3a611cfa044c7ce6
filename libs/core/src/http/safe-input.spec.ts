import { MAX_JSON_DEPTH, SafeInputPipe, findUnsafeInput, jsonNestingExceeds } from './safe-input';

describe('jsonNestingExceeds', () => {
  const nested = (depth: number) => Buffer.from('['.repeat(depth) + ']'.repeat(depth));

  it('allows nesting up to the limit and refuses one level more', () => {
    expect(jsonNestingExceeds(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(jsonNestingExceeds(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    expect(jsonNestingExceeds(nested(20_000), MAX_JSON_DEPTH)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: '[[[[[[[[[[', b: '\\"{{{{{{{{{{' });
    expect(jsonNestingExceeds(Buffer.from(text), 2)).toBe(false);
  });
});

describe('findUnsafeInput', () => {
  it.each([
    ['NUL', { name: 'a\u0000b' }, 'name', 'control_character'],
    ['escape', { name: 'a\u001bb' }, 'name', 'control_character'],
    ['DEL', { name: 'a\u007f' }, 'name', 'control_character'],
    ['a lone high surrogate', { agent: { hostname: 'x\ud800' } }, 'agent.hostname', 'lone_surrogate'],
    ['a lone low surrogate', { tags: ['ok', '\udc00x'] }, 'tags.1', 'lone_surrogate'],
    ['__proto__', JSON.parse('{"__proto__": {"admin": true}}'), '__proto__', 'prototype_key'],
    ['constructor', { nested: { constructor: 1 } }, 'nested.constructor', 'prototype_key'],
  ])('finds %s and names the field', (_label, value, field, problem) => {
    expect(findUnsafeInput(value)).toEqual({ field, problem });
  });

  it('lets tabs, line breaks, emoji and other scripts through', () => {
    expect(findUnsafeInput({ notes: 'line 1\r\nline\t2', name: 'Prusa 🖨️ 東京 — Ünïcode' })).toBeNull();
  });

  it('names the route parameter a bad path value came in', () => {
    const pipe = new SafeInputPipe();
    expect(() => pipe.transform('x\u0000', { type: 'param', data: 'fileId' })).toThrow(
      expect.objectContaining({ code: 'invalid_text', field: 'fileId', status: 400 }),
    );
    expect(() => pipe.transform({ search: 'x\ud800' }, { type: 'query' })).toThrow(
      expect.objectContaining({ code: 'invalid_text', field: 'search' }),
    );
  });
});
