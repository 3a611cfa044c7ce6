import 'reflect-metadata';
import { DataSource, EntityManager } from 'typeorm';

/* eslint-disable @typescript-eslint/no-unsafe-function-type -- constructor tokens are any class */
type Class<T = unknown> = abstract new (...args: any[]) => T;

/**
 * A service built as Nest would build it, with every constructor dependency replaced by a jest mock (immich's
 * `newTestService`): each method of a repository or collaborator class is a `jest.fn()` returning undefined until a
 * test says otherwise; a dependency injected by token (the logger, a config) is an object whose every property is a
 * `jest.fn()`. A unit spec sets up what the repositories answer and asserts what the service decides.
 *
 * `DataSource` is not stubbed as a database: its `transaction(work)` runs `work` with an entity manager that throws
 * on any use, since the service hands it to its (mocked) repositories and must hold no SQL itself.
 */
export function newTestService<S extends Class>(
  Service: S,
  overrides: Array<[token: Function | string | symbol, value: unknown]> = [],
): TestService<InstanceType<S>> {
  const provided = new Map<unknown, unknown>(overrides);
  const types: unknown[] = Reflect.getMetadata('design:paramtypes', Service) ?? [];
  const injected: Array<{ index: number; param: unknown }> = Reflect.getMetadata('self:paramtypes', Service) ?? [];
  const tokens = types.map((type, index) => injected.find((entry) => entry.index === index)?.param ?? type);
  const dependencies = new Map<unknown, unknown>();
  const args = tokens.map((token) => {
    if (token === undefined) throw new Error(`${Service.name}: a constructor parameter has no type (a cycle?)`);
    const value = provided.has(token) ? provided.get(token) : mockFor(token);
    dependencies.set(token, value);
    return value;
  });
  const sut = new (Service as unknown as new (...args: unknown[]) => InstanceType<S>)(...args);
  return {
    sut,
    mock: <D>(type: Class<D>) => {
      if (!dependencies.has(type)) throw new Error(`${Service.name} does not inject ${type.name}`);
      return dependencies.get(type) as jest.Mocked<D>;
    },
    token: (token: string | symbol) => {
      if (!dependencies.has(token)) throw new Error(`${Service.name} does not inject ${String(token)}`);
      return dependencies.get(token) as Record<string, jest.Mock>;
    },
  };
}

export interface TestService<T> {
  /** The service under test. */
  sut: T;
  /** The mock the service got for this class (to say what it answers, or read what it was given). */
  mock<D>(type: Class<D>): jest.Mocked<D>;
  /** The mock the service got for an injection token (`LOGGER`). */
  token(token: string | symbol): Record<string, jest.Mock>;
}

/** The entity manager a unit test's transactions run with: a service only passes it on to its repositories. */
export const UNIT_OF_WORK = new Proxy(
  {},
  {
    get: (_target, property) => {
      // Only EntityManager's own members throw: jest's matchers and printers look at other properties.
      if (typeof property === 'symbol' || !(property in EntityManager.prototype)) return undefined;
      throw new Error(`a service used EntityManager.${property} itself: queries belong in a repository`);
    },
  },
);

function mockFor(token: unknown): unknown {
  if (token === DataSource) return mockDataSource();
  if (typeof token === 'function' && token !== Object && token.prototype) return automock(token as Class);
  return anyMethods();
}

/** A jest.fn() for every method of the class and its ancestors; properties and getters are left undefined. */
export function automock<T>(type: Class<T>): jest.Mocked<T> {
  const mock: Record<string, jest.Mock> = {};
  for (let proto = type.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === 'constructor' || name in mock) continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (typeof descriptor?.value === 'function') mock[name] = jest.fn();
    }
  }
  return mock as unknown as jest.Mocked<T>;
}

function mockDataSource(): jest.Mocked<DataSource> {
  const transaction = jest.fn((...args: unknown[]) => {
    const work = args.at(-1) as (manager: unknown) => Promise<unknown>;
    return work(UNIT_OF_WORK);
  });
  return { transaction, manager: UNIT_OF_WORK } as unknown as jest.Mocked<DataSource>;
}

function anyMethods(): Record<string, jest.Mock> {
  const methods = new Map<PropertyKey, jest.Mock>();
  return new Proxy({} as Record<string, jest.Mock>, {
    get: (_target, property) => {
      if (property === 'then') return undefined;
      if (!methods.has(property)) methods.set(property, jest.fn());
      return methods.get(property);
    },
  });
}
