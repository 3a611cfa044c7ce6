export * from './user.factory';
export * from './team.factory';
