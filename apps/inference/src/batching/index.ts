export { MicroBatcher, MicroBatcherError, realScheduler } from './micro-batcher';
export type { BatchRunner, MicroBatcherOptions, Scheduler } from './micro-batcher';
