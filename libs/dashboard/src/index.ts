export * from './dashboard.module';
export * from './dashboard.messages';
export * from './dashboard.gateway';
export * from './dashboard-subscribers.service';
export * from './printer-updates.collector';
export * from './live-state.store';
