// Capability-aware routing: `require: { arch, platform, cpuFeatures }` on a dispatch call.
//
// Results are bit-identical on every architecture, so the kernel version is what routes a job
// by default (`native-v1`, `any-v1`). A caller who must pin work further (to arm64 machines, or
// to CPUs with avx512bw for the SIMD kernels) names the capabilities; the job then goes to a
// capability-named queue such as `native-v1@arch=arm64,cpu=avx2+bmi2`. The client registers that
// name in Redis and announces it; every live worker whose capability record satisfies it joins
// it (at once on the announcement, or at its next heartbeat), and lists it in its record's
// `queues`. The check below is the one both sides run, so a client and a worker agree on who
// may serve a queue.
import { rangeError, ERROR_CODES, describe } from '../errors.js';
import { KERNEL_VERSION } from '../kernel.js';

/** The capabilities a job may pin, beyond the kernel. */
export interface CapabilityRequirement {
  /**
   * `native`: a worker running the native kernel of this package's kernel version; `any`:
   * the TypeScript fallback will do. @defaultValue 'native'
   */
  backend?: 'native' | 'any';
  /** `process.arch` of the worker, e.g. `x64`, `arm64`. */
  arch?: string;
  /** `process.platform` of the worker, e.g. `linux`, `darwin`, `win32`. */
  platform?: string;
  /**
   * CPU features the worker's record lists, all of them (`strdist info` shows them: `popcnt`,
   * `sse4.2`, `avx2`, `bmi2`, `avx512f`, `avx512bw`, `neon`). Only a native worker lists any.
   */
  cpuFeatures?: readonly string[];
}

/** A requirement with its defaults applied, features sorted and unique. */
export interface Routing {
  backend: 'native' | 'any';
  arch?: string;
  platform?: string;
  cpuFeatures: string[];
}

/** What the routing reads from a worker's record. */
export interface RoutingRecord {
  backend: 'native' | 'js';
  kernelVersion: number;
  arch?: string;
  platform?: string;
  cpuFeatures?: readonly string[];
}

const NAME = /^[a-z0-9_]{1,32}$/;
const FEATURE = /^[a-z0-9_.]{1,32}$/;
const MAX_FEATURES = 16;
const KEYS = ['backend', 'arch', 'platform', 'cpuFeatures'];

/** Checks and normalizes `require` (a string or an object); throws RangeError ERR_STRDIST_OPTION. */
export function readRequirement(require: unknown): Routing {
  if (require === undefined || require === 'native' || require === 'any') {
    return { backend: (require ?? 'native') as 'native' | 'any', cpuFeatures: [] };
  }
  const bad = (why: string) =>
    rangeError(ERROR_CODES.OPTION, `require must be "native", "any" or { backend?, arch?, platform?, cpuFeatures? }: ${why}`);
  if (typeof require !== 'object' || require === null || Array.isArray(require)) throw bad(`got ${describe(require)}`);
  const r = require as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!KEYS.includes(key)) throw bad(`unknown key ${JSON.stringify(key)}`);
  const out: Routing = { backend: 'native', cpuFeatures: [] };
  if (r.backend !== undefined) {
    if (r.backend !== 'native' && r.backend !== 'any') throw bad(`backend must be "native" or "any", got ${describe(r.backend)}`);
    out.backend = r.backend;
  }
  for (const key of ['arch', 'platform'] as const) {
    if (r[key] === undefined) continue;
    if (typeof r[key] !== 'string' || !NAME.test(r[key])) throw bad(`${key} must be a name like process.${key} (a-z, 0-9, _), got ${describe(r[key])}`);
    out[key] = r[key];
  }
  if (r.cpuFeatures !== undefined) {
    const f = r.cpuFeatures;
    if (!Array.isArray(f) || f.length > MAX_FEATURES || !f.every((x) => typeof x === 'string' && FEATURE.test(x))) {
      throw bad(`cpuFeatures must be an array of at most ${MAX_FEATURES} feature names (a-z, 0-9, _ and .), got ${describe(f)}`);
    }
    out.cpuFeatures = [...new Set(f as string[])].sort();
  }
  return out;
}

/** True when the requirement pins more than the backend (a capability-named queue serves it). */
export function isPinned(r: Routing): boolean {
  return r.arch !== undefined || r.platform !== undefined || r.cpuFeatures.length > 0;
}

/**
 * The queue a requirement's jobs go to: `native-v1` / `any-v1` when nothing is pinned, else
 * that name followed by `@` and the pinned capabilities in a fixed order.
 */
export function routingQueue(r: Routing, kernelVersion = KERNEL_VERSION): string {
  const base = `${r.backend}-v${kernelVersion}`;
  if (!isPinned(r)) return base;
  const parts: string[] = [];
  if (r.arch !== undefined) parts.push(`arch=${r.arch}`);
  if (r.platform !== undefined) parts.push(`platform=${r.platform}`);
  if (r.cpuFeatures.length) parts.push(`cpu=${r.cpuFeatures.join('+')}`);
  return `${base}@${parts.join(',')}`;
}

/** The requirement a capability-named queue stands for, or undefined for anything else. */
export function parseRoutingQueue(name: unknown): (Routing & { kernelVersion: number }) | undefined {
  if (typeof name !== 'string' || name.length > 800) return undefined;
  const m = /^(native|any)-v(\d{1,6})@([a-z0-9_=,+.]+)$/.exec(name);
  if (!m) return undefined;
  const r: Routing = { backend: m[1] as 'native' | 'any', cpuFeatures: [] };
  for (const part of m[3].split(',')) {
    const [key, value, extra] = part.split('=');
    if (extra !== undefined || !value) return undefined;
    if (key === 'arch' || key === 'platform') r[key] = value;
    else if (key === 'cpu') r.cpuFeatures = value.split('+');
    else return undefined;
  }
  let routing: Routing;
  try {
    routing = readRequirement(r);
  } catch {
    return undefined;
  }
  const kernelVersion = Number(m[2]);
  // only the canonical spelling names a queue
  return routingQueue(routing, kernelVersion) === name ? { ...routing, kernelVersion } : undefined;
}

/** What a worker lacks to serve a requirement at a kernel version (empty: it may serve it). */
export function missing(w: RoutingRecord, r: Routing, kernelVersion = KERNEL_VERSION): string[] {
  const out: string[] = [];
  if (w.kernelVersion !== kernelVersion) out.push(`kernel v${kernelVersion}`);
  if (r.backend === 'native' && w.backend !== 'native') out.push('the native kernel');
  if (r.arch !== undefined && w.arch !== r.arch) out.push(`arch ${r.arch}`);
  if (r.platform !== undefined && w.platform !== r.platform) out.push(`platform ${r.platform}`);
  const has = new Set(w.cpuFeatures ?? []);
  const lacks = r.cpuFeatures.filter((f) => !has.has(f));
  if (lacks.length) out.push(`cpu feature${lacks.length === 1 ? '' : 's'} ${lacks.join(', ')}`);
  return out;
}

/** How a requirement reads in messages: "the native kernel v1, arch arm64, cpu features avx2". */
export function describeRouting(r: Routing, kernelVersion = KERNEL_VERSION): string {
  const parts = [r.backend === 'native' ? `the native kernel v${kernelVersion}` : `kernel v${kernelVersion} (any backend)`];
  if (r.arch !== undefined) parts.push(`arch ${r.arch}`);
  if (r.platform !== undefined) parts.push(`platform ${r.platform}`);
  if (r.cpuFeatures.length) parts.push(`cpu feature${r.cpuFeatures.length === 1 ? '' : 's'} ${r.cpuFeatures.join(', ')}`);
  return parts.join(', ');
}

/** How many capability-named queues one worker joins at most (each holds a Redis connection). */
export const MAX_ROUTING_QUEUES = 32;

export const routingKeys = {
  /** Set of the capability-named queues clients have used. */
  queues: (prefix: string) => `${prefix}:routing:queues`,
  /** Channel on which a client announces a capability-named queue it is about to use. */
  channel: (prefix: string) => `${prefix}:routing`,
};
