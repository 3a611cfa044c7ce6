import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { AUTHENTICATED_METADATA, POLICIES_METADATA, PUBLIC_METADATA, type PolicyRule } from '@farmhand/authz';
import { startApi, type ApiHarness } from '@farmhand/testing';

const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';
const MESSAGE_MAPPING_METADATA = 'websockets:message_mapping';
const MESSAGE_METADATA = 'message';
const GATEWAY_OPTIONS = 'websockets:gateway_options';

function declaration(handler: object, controller: object): string | undefined {
  const read = <T>(key: string): T | undefined =>
    Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
  if (read<boolean>(PUBLIC_METADATA)) return 'public';
  const rules = read<PolicyRule[]>(POLICIES_METADATA);
  if (rules) return rules.map(([action, subject]) => `${action}:${subject}`).join(' & ');
  if (read<boolean>(AUTHENTICATED_METADATA)) return 'authenticated';
  return undefined;
}

function joinPath(...parts: string[]): string {
  return (
    '/' +
    parts
      .map((p) => p.replace(/^\/|\/$/g, ''))
      .filter(Boolean)
      .join('/')
  ).replace(/\/+/g, '/');
}

/**
 * Lists every HTTP route and socket handler with what it declares. The list is checked in
 * (__snapshots__): adding a route shows up in review with its policy, and a route without one fails.
 */
describe('every endpoint declares its policy', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('matches the checked-in route -> policy list, with no undeclared endpoint', () => {
    const discovery = api.app.get(DiscoveryService);
    const scanner = api.app.get(MetadataScanner);
    const lines: string[] = [];
    const undeclared: string[] = [];

    for (const wrapper of discovery.getControllers()) {
      const controller = wrapper.metatype as (new () => object) | undefined;
      if (!controller) continue;
      const prefixes = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = controller.prototype[name as keyof object] as object;
        const paths = Reflect.getMetadata(PATH_METADATA, handler);
        if (paths === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        for (const prefix of prefixes) {
          for (const path of ([] as string[]).concat(paths)) {
            const route = `${method} ${joinPath('api', prefix, path)}`;
            const declared = declaration(handler, controller);
            if (!declared) undeclared.push(route);
            lines.push(`${route} -> ${declared ?? 'UNDECLARED'}`);
          }
        }
      }
    }

    for (const wrapper of discovery.getProviders()) {
      const instance = wrapper.instance as object | undefined;
      const gateway = wrapper.metatype as (new () => object) | undefined;
      if (!instance || !gateway || !Reflect.getMetadata('websockets:is_gateway', gateway)) continue;
      const namespace =
        (Reflect.getMetadata(GATEWAY_OPTIONS, gateway) as { namespace?: string } | undefined)?.namespace ?? '/';
      for (const name of scanner.getAllMethodNames(gateway.prototype)) {
        const handler = gateway.prototype[name as keyof object] as object;
        if (!Reflect.getMetadata(MESSAGE_MAPPING_METADATA, handler)) continue;
        const route = `WS ${namespace} ${Reflect.getMetadata(MESSAGE_METADATA, handler)}`;
        const declared = declaration(handler, gateway);
        if (!declared) undeclared.push(route);
        lines.push(`${route} -> ${declared ?? 'UNDECLARED'}`);
      }
    }

    expect(undeclared).toEqual([]);
    expect(lines.sort().join('\n')).toMatchSnapshot();
  });

  it('an endpoint without a declaration would be denied by the guard itself', async () => {
    // The guard refuses undeclared handlers at run time too; the health route is public, everything else needs a principal.
    const response = await api.client().get('/api/orgs');
    expect(response.status).toBe(401);
  });
});
