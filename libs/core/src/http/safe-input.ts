import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import express, { type RequestHandler } from 'express';
import { DomainException } from '../errors/domain.exception';

/**
 * Deepest JSON nesting a request body may have. No route takes more than a few levels; class-transformer recurses
 * once per level, so a 20,000-deep body overflowed its stack (500) before this limit.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * Characters no text field takes: the C0 controls except tab, line feed and carriage return (NUL among them, which
 * PostgreSQL refuses in text), and DEL. Tab and newlines stay allowed everywhere: they are harmless to store and to
 * log as JSON, and a few fields (descriptions, notes) are legitimately multi-line.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** A UTF-16 surrogate without its partner: not a character, refused by PostgreSQL's jsonb and UTF-8 encoders. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Keys that only ever appear in an attempt at prototype pollution. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Whether the JSON text nests objects and arrays deeper than `maxDepth`: one pass over the bytes, no parsing. */
export function jsonNestingExceeds(bytes: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index]!;
    if (inString) {
      if (byte === BACKSLASH) index++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** body-parser's error `type` for a body refused by `jsonBodyParser` for its nesting (mapped by `mapError`). */
export const JSON_TOO_DEEP = 'entity.too.deep';

/**
 * The api's JSON body parser: an explicit size limit, objects and arrays only, and nesting refused past
 * MAX_JSON_DEPTH before the body is parsed (400 `json_too_deep`), so nothing downstream recurses over it.
 */
export function jsonBodyParser(limitBytes: number): RequestHandler {
  return express.json({
    limit: limitBytes,
    strict: true,
    verify: (_request, _response, bytes) => {
      // A plain error with status and type: body-parser hands it on through http-errors, which sets both.
      if (jsonNestingExceeds(bytes, MAX_JSON_DEPTH))
        throw Object.assign(new Error('JSON nested too deep'), { status: 400, type: JSON_TOO_DEEP });
    },
  });
}

export interface UnsafeInput {
  field: string;
  problem: 'control_character' | 'lone_surrogate' | 'prototype_key' | 'too_deep';
}

/** Why a string cannot be stored as text, or null when it can. */
export function unsafeTextProblem(value: string): UnsafeInput['problem'] | null {
  if (CONTROL_CHARACTER.test(value)) return 'control_character';
  if (LONE_SURROGATE.test(value)) return 'lone_surrogate';
  return null;
}

/**
 * The first string (or key) in `value` that cannot be stored as text, with its path in the field notation of the
 * validation errors (`agent.hostname`, `tags.2`). Keys are checked too: some bodies are stored as they come (jsonb).
 */
export function findUnsafeInput(value: unknown, path = '', depth = 0): UnsafeInput | null {
  if (typeof value === 'string') {
    const problem = unsafeTextProblem(value);
    return problem ? { field: path, problem } : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  // Bodies were already held to MAX_JSON_DEPTH by the parser; this bounds anything else handed to the pipe.
  if (depth > MAX_JSON_DEPTH) return { field: path, problem: 'too_deep' };
  for (const [key, item] of Object.entries(value)) {
    const field = path ? `${path}.${key}` : key;
    if (PROTOTYPE_KEYS.has(key)) return { field, problem: 'prototype_key' };
    const keyProblem = unsafeTextProblem(key);
    if (keyProblem) return { field: path || 'body', problem: keyProblem };
    const found = findUnsafeInput(item, field, depth + 1);
    if (found) return found;
  }
  return null;
}

const MESSAGES: Record<UnsafeInput['problem'], string> = {
  control_character: 'contains a control character (only tab and line breaks are allowed)',
  lone_surrogate: 'contains an unpaired UTF-16 surrogate, which is not text',
  prototype_key: 'is not an allowed field name',
  too_deep: `nests deeper than ${MAX_JSON_DEPTH} levels`,
};

/**
 * Global pipe, before validation: every body, query and path parameter is refused (400 `invalid_text`, naming the
 * field) when a string in it holds a NUL or another control character or an unpaired surrogate, or when it carries a
 * prototype key. PostgreSQL refuses the first two (a 500 before this pipe), and nothing may reach a merge with the
 * third.
 */
@Injectable()
export class SafeInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const root = metadata.type === 'param' ? (metadata.data ?? '') : '';
    const found = findUnsafeInput(value, root);
    if (found) {
      const field = found.field || metadata.data || metadata.type;
      throw DomainException.invalid('invalid_text', `${field} ${MESSAGES[found.problem]}`, field);
    }
    return value;
  }
}
