export { bullmqQueue, DEFAULT_QUEUE_NAME } from './queue.js';
export type { BullmqQueue, BullmqQueueOptions, BullmqBackoff, KeepJobsOption } from './queue.js';
export { createWorker } from './worker.js';
export type { CountersignWorker, CreateWorkerOptions, DispatchTarget } from './worker.js';
export { jobIdFor, eventIdOf } from './job-id.js';
export type { BullmqConnection } from './connection.js';
