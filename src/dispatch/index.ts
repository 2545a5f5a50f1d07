import { ERROR_CODES, typeError } from '../errors.js';
import { readOptions } from '../options.js';
import { LocalDispatcher } from './local.js';
import { QueueDispatcher, RedisUnavailableError } from './queue.js';
import type { RedisConnectOptions } from './redis.js';
import type { Dispatcher } from './types.js';

export interface ConnectOptions extends Partial<RedisConnectOptions> {
  /**
   * Embedded dispatcher only: jobs run at once in this process.
   * @defaultValue 1
   */
  concurrency?: number;
}

const CONNECT_OPTIONS = ['redis', 'prefix', 'concurrency'];

/**
 * A dispatcher: with `redis`, BullMQ queues on that Redis served by `strdist worker`
 * processes; without, the embedded one that runs the same tasks in this process.
 */
export function connect(options?: ConnectOptions): Dispatcher {
  if (options === null) throw typeError(ERROR_CODES.ARGUMENT, 'connect: options must be an object, got null');
  const o = readOptions('connect', options, CONNECT_OPTIONS) as ConnectOptions;
  if (o.redis === undefined || o.redis === '') return new LocalDispatcher(o.concurrency);
  return new QueueDispatcher({ redis: o.redis, prefix: o.prefix });
}

export { QUEUE_NAMES, queueFor } from './redis.js';
export { UNAVAILABLE_MS } from './queue.js';

export { LocalDispatcher, QueueDispatcher, RedisUnavailableError };
export * from './types.js';
export { startWorker, availableThreads, type RunningWorker, type WorkerOptions, type WorkerLogger } from './worker.js';
export { LIMITS, TASK_NAMES, TaskArgumentError, PROTOCOL_VERSION } from '../tasks.js';
export type { ClosestArgs, ClosestResult, JoinArgs, TaskName } from '../tasks.js';
export type { DispatchJoinOptions } from './join.js';
export type { SelfJoinArgs, SelfJoinResult } from '../tasks.js';
export type { DispatchSelfJoinOptions, DispatchDedupeOptions } from './join.js';
