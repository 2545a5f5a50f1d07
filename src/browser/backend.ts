// src/backend/index.ts for the browser build: the TypeScript kernel, always; no addon to load.
import { codedError, ERROR_CODES } from '../errors.js';
import { jsKernel } from '../backend/js.js';
import type { Backend } from '../backend/index.js';

const state: Backend = { kernel: jsKernel, reason: 'the browser build has the TypeScript backend only' };

export function backendState(): Backend {
  return state;
}

export function nativeAddon(): never {
  throw codedError(ERROR_CODES.NATIVE_UNAVAILABLE, 'strdist: the browser build has no native backend (backend: "native" is for Node.js)');
}
