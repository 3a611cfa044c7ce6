import { createTeam, type Team } from '@farmhand/factories';
import { startApi, tableRowCounts, type ApiHarness, type HttpClient } from '@farmhand/testing';
import { DataSource } from 'typeorm';

interface SchemaObject {
  type?: string;
  $ref?: string;
  properties?: Record<string, SchemaObject>;
  items?: SchemaObject;
  allOf?: SchemaObject[];
}
interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyFields: Record<string, SchemaObject>;
}
interface Attack {
  name: string;
  /** Path parameter values (valid ones where the attack is elsewhere). */
  params: (name: string) => string;
  query?: Record<string, string>;
  /** The raw JSON text of the body, or undefined for none. */
  body?: string;
}

const NUL = 'farm\u0000hand';
const LONE_SURROGATE = 'farm\ud800hand';
const DEEP = '['.repeat(20_000) + ']'.repeat(20_000);
const HUGE_ARRAY = `[${Array.from({ length: 100_000 }, () => '0').join(',')}]`;
const LONG_ARRAY = `[${Array.from({ length: 5_000 }, () => '"x"').join(',')}]`;
const WRONG_TYPES = ['{}', '[]', '12345', 'true', 'null'];

/**
 * What an attacker sends to every operation of the published contract (`/api/openapi.json`), as the owner of an
 * organization, so requests get past the guard to the parsers and validators: NUL bytes and lone surrogates in every
 * string field, query and path parameter; 20,000-deep nesting; 100,000-element arrays; wrong types; prototype keys.
 * No answer may be a 5xx, the api must stay up, and no row of any table may change.
 */
describe('hostile input to every operation: NUL bytes, lone surrogates, deep nesting, huge arrays, wrong types, prototype keys', () => {
  let api: ApiHarness;
  let team: Team;
  let operations: Operation[];

  beforeAll(async () => {
    api = await startApi({ BODY_LIMIT_BYTES: String(1024 * 1024) });
    team = await createTeam(api);
    const document = (await api.client().get('/api/openapi.json')).body;
    operations = operationsOf(document);
  });
  afterAll(() => api.close());

  function validParam(name: string): string {
    return name === 'orgId' ? team.orgId : '00000000-0000-4000-8000-000000000000';
  }

  function attacksOn(operation: Operation): Attack[] {
    const attacks: Attack[] = [];
    const fields = Object.keys(operation.bodyFields);
    const object = (entries: Array<[string, string]>) =>
      `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
    for (const [label, text] of [
      ['NUL', NUL],
      ['lone surrogate', LONE_SURROGATE],
    ] as const) {
      for (const name of operation.pathParams) {
        attacks.push({
          name: `${label} in path ${name}`,
          params: (param) => (param === name ? text : validParam(param)),
        });
      }
      if (operation.queryParams.length > 0) {
        attacks.push({
          name: `${label} in every query parameter`,
          params: validParam,
          query: Object.fromEntries(operation.queryParams.map((name) => [name, text])),
        });
      }
      if (fields.length > 0 && operation.method !== 'GET') {
        attacks.push({
          name: `${label} in every body field`,
          params: validParam,
          body: object(fields.map((field) => [field, JSON.stringify(text)])),
        });
        attacks.push({
          name: `${label} in a nested string`,
          params: validParam,
          body: object(
            fields.map((field) => [field, `{"name":${JSON.stringify(text)},"list":[${JSON.stringify(text)}]}`]),
          ),
        });
      }
    }
    // fetch() sends no body with GET.
    if (operation.method !== 'GET') attacks.push({ name: 'a 20,000-deep body', params: validParam, body: DEEP });
    // Operations that take no body ignore one (sign-out signs out whatever it carries): only the parser's refusal of
    // deep nesting applies to them.
    if (fields.length > 0) {
      attacks.push({ name: 'a 100,000-element array body', params: validParam, body: HUGE_ARRAY });
      attacks.push({
        name: 'prototype keys',
        params: validParam,
        body: '{"__proto__":{"isAdmin":true,"role":"owner"},"constructor":{"prototype":{"isAdmin":true}}}',
      });
      attacks.push({ name: 'every field 20,000 deep', params: validParam, body: object(fields.map((f) => [f, DEEP])) });
      attacks.push({
        name: 'every field a 5,000-element array',
        params: validParam,
        body: object(fields.map((field) => [field, LONG_ARRAY])),
      });
      for (const wrong of WRONG_TYPES) {
        attacks.push({
          name: `every field as ${wrong}`,
          params: validParam,
          body: object(fields.map((field) => [field, wrong])),
        });
      }
    }
    return attacks;
  }

  async function send(client: HttpClient, operation: Operation, attack: Attack) {
    const path = operation.path.replace(/\{(\w+)\}/g, (_match, name: string) => percentEncode(attack.params(name)));
    const query = attack.query
      ? `?${Object.entries(attack.query)
          .map(([name, value]) => `${name}=${percentEncode(value)}`)
          .join('&')}`
      : '';
    return client.request(
      operation.method,
      `${path}${query}`,
      undefined,
      attack.body === undefined ? {} : { raw: attack.body },
    );
  }

  // About 1,500 requests, each authenticated as the owner.
  it('answers every attack on every operation with a 4xx, stays up and writes nothing', async () => {
    expect(operations.length).toBeGreaterThan(60);
    const dataSource = api.app.get(DataSource);
    const before = await tableRowCounts(dataSource);
    const failures: string[] = [];
    let sent = 0;
    // A few operations at a time (each attack on one operation in turn): the order of refusals does not matter.
    const queue = [...operations];
    const worker = async () => {
      for (let operation = queue.shift(); operation; operation = queue.shift()) {
        for (const attack of attacksOn(operation)) {
          const response = await send(team.owner.client, operation, attack);
          sent++;
          if (response.status >= 500 || response.status < 400) {
            const body = String(JSON.stringify(response.body)).slice(0, 200);
            failures.push(`${operation.method} ${operation.path} with ${attack.name}: ${response.status} ${body}`);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(500);
    // Still signed in: every attack above reached the validators as the owner, none was a plain 401.
    expect((await team.owner.client.get('/api/auth/me')).status).toBe(200);
    expect((await fetch(`${api.url}/api/health/live`)).status).toBe(200);
    expect(await tableRowCounts(dataSource)).toEqual(before);
    // ~1,500 requests with large bodies: a loaded 2-core machine (other suites, helpers) outran 5 minutes.
  }, 900_000);
});

/** encodeURIComponent, except that a lone surrogate goes out as the bytes a sloppy encoder makes (WTF-8), not a throw. */
function percentEncode(text: string): string {
  let encoded = '';
  for (const character of text) {
    const unit = character.charCodeAt(0);
    if (character.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      encoded += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else {
      encoded += encodeURIComponent(character);
    }
  }
  return encoded;
}

function operationsOf(document: {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, SchemaObject> };
}): Operation[] {
  const schemas = document.components?.schemas ?? {};
  const resolve = (schema: SchemaObject | undefined): SchemaObject | undefined => {
    if (!schema) return undefined;
    if (schema.$ref) return resolve(schemas[schema.$ref.split('/').pop()!]);
    if (schema.allOf) {
      const properties = Object.assign({}, ...schema.allOf.map((part) => resolve(part)?.properties ?? {}));
      return { type: 'object', properties };
    }
    return schema;
  };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, spec] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const parameters = (spec.parameters ?? []) as Array<{ name: string; in: string }>;
      const body = resolve(spec.requestBody?.content?.['application/json']?.schema);
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name),
        queryParams: parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name),
        bodyFields: body?.properties ?? {},
      });
    }
  }
  return operations;
}
