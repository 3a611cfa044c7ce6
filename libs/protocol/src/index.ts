export * from './protocol.constants';
export * from './common.schema';
export * from './command.schema';
export * from './agent-messages.schema';
export * from './server-messages.schema';
export * from './protocol-error.schema';
export * from './enrollment.schema';
export * from './parse-message';
