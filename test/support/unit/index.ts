// Helpers for unit specs (`*.spec.ts`): no Postgres, no Redis, no booted app. Import as `@farmhand/testing/unit`.
export * from '../wait-for';
export * from './principals';
export * from './test-service';
