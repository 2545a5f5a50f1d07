import { codedError, ERROR_CODES, rangeError } from '../errors.js';
import type { Kernel } from '../kernel.js';
import { jsKernel } from './js.js';
import { isMissingBinary, loadAddon, nativeKernel, type Addon } from './native.js';

export type BackendName = 'native' | 'js';
export type BackendChoice = BackendName | 'auto';

export interface Backend {
  /** The kernel every call goes to. */
  kernel: Kernel;
  /** The native addon when it is loaded. */
  addon?: Addon;
  /** Path of the loaded binary. */
  binaryPath?: string;
  /** Why the native backend is not in use, when it is not. */
  reason?: string;
}

function parseChoice(value: string | undefined): BackendChoice {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'native' || value === 'js') return value;
  throw rangeError(ERROR_CODES.OPTION, `STRDIST_BACKEND must be "native", "js" or "auto", got ${JSON.stringify(value)}`);
}

/**
 * Picks the backend as STRDIST_BACKEND says: `native` fails loudly (ERR_STRDIST_NATIVE_UNAVAILABLE)
 * if the binary cannot load, `js` forces the fallback, `auto` falls back only when there is no
 * binary at all, with the reason and the remedy in `reason` (a binary that is present but fails
 * to load is a real error and is rethrown).
 */
export function selectBackend(env: string | undefined = process.env.STRDIST_BACKEND): Backend {
  const choice = parseChoice(env);
  if (choice === 'js') return { kernel: jsKernel, reason: 'STRDIST_BACKEND=js' };
  try {
    const { addon, path } = loadAddon();
    return { kernel: nativeKernel(addon), addon, binaryPath: path };
  } catch (err) {
    if (choice === 'native') {
      const why = `strdist: STRDIST_BACKEND=native but the native binary cannot load: ${message(err)}`;
      throw codedError(ERROR_CODES.NATIVE_UNAVAILABLE, why, { cause: err });
    }
    if (!isMissingBinary(err)) throw err;
    return { kernel: jsKernel, reason: message(err) };
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

let current: Backend | undefined;

/** The process-wide backend, chosen once on first use. */
export function backendState(): Backend {
  return (current ??= selectBackend());
}

let explicitNative: Addon | undefined;

/**
 * The native addon for a call that asks for it by name (`backend: 'native'`), even when the
 * process-wide backend is js. Throws ERR_STRDIST_NATIVE_UNAVAILABLE when it cannot load.
 */
export function nativeAddon(): Addon {
  const state = backendState();
  if (state.addon) return state.addon;
  try {
    return (explicitNative ??= loadAddon().addon);
  } catch (err) {
    if ((err as { code?: unknown }).code === ERROR_CODES.NATIVE_UNAVAILABLE) throw err;
    throw codedError(ERROR_CODES.NATIVE_UNAVAILABLE, message(err), { cause: err });
  }
}

/** Sets the process-wide backend (a worker does, after its own checks). */
export function setBackendState(state: Backend): void {
  current = state;
}

export { jsKernel, loadAddon, nativeKernel };
