export * from './api-harness';
export * from './http-client';
export * from './test-database';
export * from './test-env';
export * from './tcp-proxy';
