export * from './user.factory';
export * from './team.factory';
export * from './gcode-file.factory';
export * from './api-key.factory';
export * from './enrollment-token.factory';
export * from './invitation.factory';
export * from './print-job.factory';
export * from './webhook.factory';
export type { Schemas } from './contract';
