import { ParseIntPipe, ParseUUIDPipe, type INestApplication, type Type } from '@nestjs/common';
import { PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { NestContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';
import { AUTHENTICATED_METADATA, POLICIES_METADATA, PUBLIC_METADATA, type PolicyRule } from '@farmhand/authz';
import { API_ERRORS_METADATA, ErrorResponseDto, type DeclaredErrors } from '@farmhand/core';

/** Every route lives under `/api` (`/metrics` is on METRICS_PORT); the served app and the generated document share it. */
export function setApiPrefix(app: INestApplication): void {
  app.setGlobalPrefix('api');
}

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
type ParameterObject = { in: string; name: string; schema?: object };
type ResponseObject = OperationObject['responses'][string];
type SchemaObject = { type: string; format?: string };
interface PlannedError {
  operation: OperationObject;
  status: number;
  codes: string[];
}

const SESSION_COOKIE_SCHEME = 'session';
const BEARER_SCHEME = 'apiKey';

/**
 * The OpenAPI document of the api (`/api/openapi.json`), read from the controllers' decorators. `npm run openapi`
 * builds the same document from an app in preview mode (nothing instantiated, nothing connected) and commits it.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Farmhand API')
      .setDescription(
        'Print farm management: organizations, printers, enrollment, queue, detection. Browsers sign in to a ' +
          'session cookie; automation sends an API key (`Authorization: Bearer fh_key_…`). Every failure answers ' +
          '`{ "error": { "code", "message", "field"? } }`; each operation lists the codes it answers.',
      )
      .setVersion('0.1.0')
      .addCookieAuth('fh_session', { type: 'apiKey', in: 'cookie', name: 'fh_session' }, SESSION_COOKIE_SCHEME)
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', bearerFormat: 'fh_key_…', description: 'An API key' },
        BEARER_SCHEME,
      )
      .build(),
    { extraModels: [ErrorResponseDto] },
  );
  addSharedErrors(document, routeHandlers(app));
  return document;
}

interface RouteHandler {
  controller: Type<unknown>;
  name: string;
  handler: object;
}

/** Handlers by their OpenAPI operation id (`<Controller>_<method>`, @nestjs/swagger's default). */
function routeHandlers(app: INestApplication): Map<string, RouteHandler> {
  const container = (app as unknown as { container: NestContainer }).container;
  const handlers = new Map<string, RouteHandler>();
  for (const module of container.getModules().values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        handlers.set(`${controller.name}_${name}`, { controller, name, handler });
      }
    }
  }
  return handlers;
}

/**
 * Adds to each operation the errors it shares with others by construction, next to those the route declares with
 * `@ApiErrors`: the guard's (401 without a principal, 403 when the policy denies, 404 for an organization the caller
 * is not in), the validation pipe's and the body parser's (400, 413), the path pipes' (400), and the database's and
 * Redis's (503), all in the one error shape with the codes listed. An operation without `@ApiErrors` gets none, so the
 * contract test names it.
 */
function addSharedErrors(document: OpenAPIObject, handlers: Map<string, RouteHandler>): void {
  const planned: PlannedError[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const operation = item[method];
      const route = operation?.operationId ? handlers.get(operation.operationId) : undefined;
      if (!operation || !route) continue;
      const declared = Reflect.getMetadata(API_ERRORS_METADATA, route.handler) as DeclaredErrors | undefined;
      if (!declared) continue;
      const errors = new Map<number, Set<string>>();
      const add = (status: number, ...codes: string[]) => {
        const set = errors.get(status) ?? new Set<string>();
        for (const code of codes) set.add(code);
        errors.set(status, set);
      };

      const policy = describePolicy(route);
      if (policy !== 'public') {
        operation.security = [{ [SESSION_COOKIE_SCHEME]: [] }, { [BEARER_SCHEME]: [] }];
        add(401, 'unauthenticated');
        if (path.includes('{orgId}')) {
          add(404, 'organization_not_found');
          // An agent's credential is its printer's, never an organization's (policies.guard.ts).
          add(403, 'agent_not_allowed');
        }
      }
      if (policy !== 'public' && policy !== 'authenticated') {
        add(403, 'forbidden');
        operation.description = [`Requires \`${policy}\`.`, operation.description].filter(Boolean).join(' ');
      }
      if (typePathParameters(operation, route)) add(400, 'bad_request');
      const parameters = (operation.parameters ?? []) as ParameterObject[];
      if (parameters.some((parameter) => parameter.in === 'query')) add(400, 'validation_failed');
      const body = operation.requestBody as { content?: Record<string, unknown> } | undefined;
      if (body?.content?.['application/json']) {
        add(400, 'validation_failed', 'invalid_json');
        add(413, 'payload_too_large');
      }
      // The safe-input pipe refuses control characters and lone surrogates in any body, query or path text.
      if (body?.content?.['application/json'] || parameters.some((parameter) => parameter.in !== 'header'))
        add(400, 'invalid_text');
      for (const [status, codes] of Object.entries(declared)) add(Number(status), ...(codes ?? []));
      add(500, 'internal_error');
      add(503, 'database_unavailable', 'service_unavailable');

      for (const [status, codes] of errors) {
        // A status the route answers with its own body (health's 503 report) keeps it.
        if (!operation.responses[String(status)]) planned.push({ operation, status, codes: [...codes].sort() });
      }
    }
  }
  writeErrorResponses(document, planned);
}

function describePolicy(route: RouteHandler): string {
  const read = <T>(key: string): T | undefined =>
    Reflect.getMetadata(key, route.handler) ?? Reflect.getMetadata(key, route.controller);
  if (read<boolean>(PUBLIC_METADATA)) return 'public';
  const rules = read<PolicyRule[]>(POLICIES_METADATA);
  if (rules) return rules.map(([action, subject]) => `${action}:${subject}`).join(' & ');
  if (read<boolean>(AUTHENTICATED_METADATA)) return 'authenticated';
  return 'public';
}

/** Path parameters parsed by ParseUUIDPipe or ParseIntPipe get their type; true when any is (a 400 when malformed). */
function typePathParameters(operation: OperationObject, route: RouteHandler): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.name) ?? {}) as Record<
    string,
    { data?: unknown; pipes?: unknown[] }
  >;
  let parsed = false;
  for (const [key, argument] of Object.entries(args)) {
    if (Number(key.split(':')[0]) !== RouteParamtypes.PARAM || typeof argument.data !== 'string') continue;
    const pipes = argument.pipes ?? [];
    const is = (pipe: Type<unknown>) => pipes.some((p) => p === pipe || p instanceof pipe);
    const schema: SchemaObject | undefined = is(ParseUUIDPipe)
      ? { type: 'string', format: 'uuid' }
      : is(ParseIntPipe)
        ? { type: 'integer' }
        : undefined;
    if (!schema) continue;
    parsed = true;
    const parameter = (operation.parameters ?? []).find(
      (candidate) =>
        (candidate as ParameterObject).in === 'path' && (candidate as ParameterObject).name === argument.data,
    ) as ParameterObject | undefined;
    if (parameter) parameter.schema = schema;
  }
  return parsed;
}

/**
 * Writes the error responses: a set of codes that more than one operation answers with the same status becomes a
 * named `components.responses` entry (`Unauthenticated`, `DatabaseUnavailableOrServiceUnavailable`) that each
 * references; the others are written in place. Sorted, so the document is the same on every run.
 */
function writeErrorResponses(document: OpenAPIObject, planned: PlannedError[]): void {
  const key = ({ status, codes }: PlannedError) => `${status} ${codes.join(' ')}`;
  const uses = new Map<string, number>();
  for (const error of planned) uses.set(key(error), (uses.get(key(error)) ?? 0) + 1);
  const names = new Map<string, string>();
  const shared: NonNullable<NonNullable<OpenAPIObject['components']>['responses']> = {};
  for (const error of [...planned].sort((a, b) => a.status - b.status || key(a).localeCompare(key(b)))) {
    if (uses.get(key(error))! < 2) {
      error.operation.responses[String(error.status)] = errorResponse(error.codes);
      continue;
    }
    let name = names.get(key(error));
    if (!name) {
      name = error.codes
        .map((code) => code.replace(/(?:^|_)([a-z])/g, (_, letter: string) => letter.toUpperCase()))
        .join('Or');
      if (name in shared) name = `${name}${error.status}`;
      names.set(key(error), name);
      shared[name] = errorResponse(error.codes);
    }
    error.operation.responses[String(error.status)] = { $ref: `#/components/responses/${name}` };
  }
  document.components = { ...document.components, responses: { ...document.components?.responses, ...shared } };
}

function errorResponse(codes: string[]): NonNullable<ResponseObject> {
  return {
    description: codes.join(', '),
    content: {
      'application/json': {
        schema: {
          allOf: [
            { $ref: getSchemaPath(ErrorResponseDto) },
            {
              type: 'object',
              required: ['error'],
              properties: {
                error: { type: 'object', required: ['code'], properties: { code: { type: 'string', enum: codes } } },
              },
            },
          ],
        },
      },
    },
  };
}
