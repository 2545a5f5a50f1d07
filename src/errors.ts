// Every error strdist throws carries a stable `code` (listed in the README). Callers should
// test `err.code`; `instanceof` works too, across the ESM and CJS entry points, because the
// classes recognise each other's instances by a brand registered with Symbol.for.

/** The stable error codes. Values never change once published. */
export const ERROR_CODES = Object.freeze({
  /** An argument has the wrong type (not a string, not an array, options not an object). TypeError. */
  ARGUMENT: 'ERR_STRDIST_ARGUMENT',
  /** An options object has a key the function does not know. TypeError. */
  UNKNOWN_OPTION: 'ERR_STRDIST_UNKNOWN_OPTION',
  /** An option has a bad value, or options that cannot go together. RangeError. */
  OPTION: 'ERR_STRDIST_OPTION',
  /** The input is over a limit (string lengths, cells, counts). RangeError. */
  TOO_LARGE: 'ERR_STRDIST_TOO_LARGE',
  /** The native code could not allocate memory for this input. RangeError. */
  OUT_OF_MEMORY: 'ERR_STRDIST_OUT_OF_MEMORY',
  /** An unexpected failure inside the native code, converted to an error. Error. */
  NATIVE: 'ERR_STRDIST_NATIVE',
  /** `STRDIST_BACKEND=native` (or `backend: 'native'`) but the binary cannot load. Error. */
  NATIVE_UNAVAILABLE: 'ERR_STRDIST_NATIVE_UNAVAILABLE',
  /** A word list cannot be read as its format says. CorpusFormatError. */
  CORPUS_FORMAT: 'ERR_STRDIST_CORPUS_FORMAT',
  /** Dispatch: a task name or task arguments that can never run. TaskArgumentError (a TypeError). */
  TASK_ARGUMENT: 'ERR_STRDIST_TASK_ARGUMENT',
  /** Dispatch: no live worker can run the job. NoCapableWorkerError. */
  NO_CAPABLE_WORKER: 'ERR_STRDIST_NO_CAPABLE_WORKER',
  /** Dispatch: the job failed on a worker. RemoteJobError. */
  REMOTE_JOB: 'ERR_STRDIST_REMOTE_JOB',
  /** Dispatch: the job was cancelled. JobCancelledError. */
  JOB_CANCELLED: 'ERR_STRDIST_JOB_CANCELLED',
  /** Dispatch: waiting for the job's result timed out (the job may still run). JobTimeoutError. */
  JOB_TIMEOUT: 'ERR_STRDIST_JOB_TIMEOUT',
  /** Dispatch: no such job. UnknownJobError. */
  UNKNOWN_JOB: 'ERR_STRDIST_UNKNOWN_JOB',
  /** Dispatch: no such corpus stored. UnknownCorpusError (a RangeError). */
  UNKNOWN_CORPUS: 'ERR_STRDIST_UNKNOWN_CORPUS',
  /** Dispatch: Redis cannot be reached. RedisUnavailableError. */
  REDIS_UNAVAILABLE: 'ERR_STRDIST_REDIS_UNAVAILABLE',
  /** Dispatch: Redis no longer knows a job this client queued (a restart without persistence). JobLostError. */
  JOB_LOST: 'ERR_STRDIST_JOB_LOST',
  /** hamming / hammingSimilarity: strings of different lengths in code points without `pad: true`. RangeError. */
  LENGTH_MISMATCH: 'ERR_STRDIST_LENGTH_MISMATCH',
} as const);

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

const BRAND = Symbol.for('strdist.error');

/**
 * Defines a strdist error class over `Base` with a fixed name and code. Each instance is branded
 * with the names of its class and the strdist classes it extends, so `instanceof` also matches
 * an instance made by another copy of the class (the CJS bundle's error seen from ESM code).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function errorClass<B extends new (...args: any[]) => Error>(
  Base: B,
  name: string,
  code: ErrorCode,
) {
  const names: readonly string[] = Object.freeze([name, ...(((Base as unknown as Record<symbol, unknown>)[BRAND] as string[]) ?? [])]);
  const cls = class extends Base {
    declare readonly code: ErrorCode;
    constructor(...args: any[]) {
      super(...args);
      Object.defineProperty(this, BRAND, { value: names });
      Object.defineProperty(this, 'name', { value: name, writable: true, configurable: true });
      (this as { code: ErrorCode }).code = code;
    }
    static [Symbol.hasInstance](value: unknown): boolean {
      if (typeof value !== 'object' || value === null) return false;
      if (Object.prototype.isPrototypeOf.call(this.prototype, value)) return true;
      const branded = (value as Record<symbol, unknown>)[BRAND];
      return Array.isArray(branded) && branded.includes(this.name);
    }
  };
  Object.defineProperty(cls, 'name', { value: name });
  Object.defineProperty(cls, BRAND, { value: names });
  return cls;
}

/** A TypeError with `code` (the plain class callers already test for). */
export function typeError(code: ErrorCode, message: string): TypeError & { code: ErrorCode } {
  const e = new TypeError(message) as TypeError & { code: ErrorCode };
  e.code = code;
  return e;
}

/** A RangeError with `code`. */
export function rangeError(code: ErrorCode, message: string): RangeError & { code: ErrorCode } {
  const e = new RangeError(message) as RangeError & { code: ErrorCode };
  e.code = code;
  return e;
}

/** A plain Error with `code`. */
export function codedError(code: ErrorCode, message: string, options?: ErrorOptions): Error & { code: ErrorCode } {
  const e = new Error(message, options) as Error & { code: ErrorCode };
  e.code = code;
  return e;
}

/** Words for a value in an error message: `the string "x"`, `number NaN`, `an array`, … */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  try {
    if (Array.isArray(value)) return 'an array';
  } catch {
    return 'a revoked proxy'; // Array.isArray throws on one
  }
  const t = typeof value;
  if (t === 'string') return `the string ${JSON.stringify(value).slice(0, 40)}`;
  if (t === 'number') return Object.is(value, -0) ? 'number -0' : `number ${String(value)}`;
  if (t === 'bigint' || t === 'boolean') return `${t} ${String(value)}`;
  return t === 'object' ? 'an object' : t;
}

/** A word list that cannot be read as the format says. */
export class CorpusFormatError extends errorClass(Error, 'CorpusFormatError', ERROR_CODES.CORPUS_FORMAT) {
  constructor(
    message: string,
    /** 1-based line number, when the problem is on one line. */
    readonly line?: number,
  ) {
    super(message);
  }
}

/** A task name or task arguments that can never run. Never retried. */
export class TaskArgumentError extends errorClass(TypeError, 'TaskArgumentError', ERROR_CODES.TASK_ARGUMENT) {}

/** No live worker can run the job: says what is missing. */
export class NoCapableWorkerError extends errorClass(Error, 'NoCapableWorkerError', ERROR_CODES.NO_CAPABLE_WORKER) {}

/** The job failed on a worker: carries the worker's id and stack. */
export class RemoteJobError extends errorClass(Error, 'RemoteJobError', ERROR_CODES.REMOTE_JOB) {
  constructor(
    message: string,
    readonly jobId: string,
    readonly workerId: string | undefined,
    readonly remoteStack: string | undefined,
    readonly attempts: number,
  ) {
    super(message);
  }
}

export class JobCancelledError extends errorClass(Error, 'JobCancelledError', ERROR_CODES.JOB_CANCELLED) {
  constructor(readonly jobId: string) {
    super(`job ${jobId} was cancelled`);
  }
}

export class JobTimeoutError extends errorClass(Error, 'JobTimeoutError', ERROR_CODES.JOB_TIMEOUT) {
  constructor(
    readonly jobId: string,
    readonly timeoutMs: number,
  ) {
    super(`job ${jobId} did not finish within ${timeoutMs} ms (it may still run; ask again with result())`);
  }
}

export class UnknownJobError extends errorClass(Error, 'UnknownJobError', ERROR_CODES.UNKNOWN_JOB) {
  constructor(readonly jobId: string) {
    super(`no job ${jobId} (never submitted, or removed after its retention period)`);
  }
}

export class UnknownCorpusError extends errorClass(RangeError, 'UnknownCorpusError', ERROR_CODES.UNKNOWN_CORPUS) {
  constructor(readonly corpusId: string) {
    super(`unknown corpus ${corpusId}: store it first with putCorpus()`);
  }
}

/**
 * Redis cannot be reached: calls fail fast with this rather than waiting. From `call` and `map`,
 * `jobIds` names the jobs that were being queued when Redis went: each may have been queued
 * (Redis ran the add and its reply was lost) or not. Ask `result()` for them once Redis is back
 * (a job that was not queued is `JobLostError`) rather than calling again, which would queue a
 * second job.
 */
export class RedisUnavailableError extends errorClass(Error, 'RedisUnavailableError', ERROR_CODES.REDIS_UNAVAILABLE) {
  constructor(
    /** The Redis it tried: host and port, never a password. */
    readonly where: string,
    cause: unknown,
    readonly jobIds?: string[],
  ) {
    const queued = jobIds
      ? `; ${jobIds.length} job${jobIds.length === 1 ? '' : 's'} may have been queued before it went: ask result() for the error's jobIds (JobLostError if not queued) rather than calling again`
      : '';
    super(`Redis at ${where} is not reachable: ${(cause as Error)?.message ?? String(cause)}${queued}`, { cause });
  }
}

/**
 * A job this client queued that Redis no longer knows, while it was not finished: Redis lost
 * it (restarted without persistence, or evicted it). It will not run; queue it again.
 */
export class JobLostError extends errorClass(Error, 'JobLostError', ERROR_CODES.JOB_LOST) {
  constructor(readonly jobId: string) {
    super(`job ${jobId} is lost: Redis no longer knows it (restarted without persistence, or evicted it); queue it again`);
  }
}

/** Array.isArray that answers false for a revoked proxy instead of throwing. */
export function isArray(value: unknown): value is unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}
