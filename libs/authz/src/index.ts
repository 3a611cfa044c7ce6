export * from './vocabulary';
export * from './principal';
export * from './define-ability';
export * from './policy.decorators';
export * from './authenticator';
export * from './policies.guard';
export * from './principal.decorator';
export * from './authz.module';
export { subject, ForbiddenError } from '@casl/ability';
