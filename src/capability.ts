import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { KERNEL_VERSION } from './kernel.js';
import type { Backend } from './backend/index.js';
import { VERSION } from './root.js';

/** What this process can compute, and with what: published by workers, printed by `strdist info`. */
export interface Capability {
  package: 'strdist';
  version: string;
  kernelVersion: number;
  backend: 'native' | 'js';
  platform: NodeJS.Platform;
  arch: string;
  /** `glibc`, `musl`, or `null` off Linux. */
  libc: 'glibc' | 'musl' | null;
  node: string;
  /** The Node-API version the binary was built for (null with the js backend). */
  napiVersion: number | null;
  /** The Node-API version this Node offers. */
  nodeNapiVersion: number;
  binary: { path: string; sha256: string } | null;
  cpuFeatures: string[];
  threads: number;
  /**
   * Why the native backend is not in use, when it is not, and how to get it: `STRDIST_BACKEND=js`,
   * no binary for this platform (install a C++ toolchain and `npm rebuild strdist`), or the
   * package folder not found from a bundled application.
   */
  nativeUnavailable?: string;
}

let libc: 'glibc' | 'musl' | null | undefined;
/** Read once: a diagnostic report takes milliseconds, and the embedded dispatch asks per job. */
function detectLibc(): 'glibc' | 'musl' | null {
  if (libc !== undefined) return libc;
  if (process.platform !== 'linux') return (libc = null);
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return (libc = report?.header?.glibcVersionRuntime ? 'glibc' : 'musl');
}

const hashes = new Map<string, string>();
function sha256(path: string): string {
  let h = hashes.get(path);
  if (!h) hashes.set(path, (h = createHash('sha256').update(readFileSync(path)).digest('hex')));
  return h;
}

export function describeCapability(state: Backend): Capability {
  const cap: Capability = {
    package: 'strdist',
    version: VERSION,
    kernelVersion: state.addon?.kernelVersion ?? KERNEL_VERSION,
    backend: state.kernel.name,
    platform: process.platform,
    arch: process.arch,
    libc: detectLibc(),
    node: process.version,
    napiVersion: state.addon?.napiVersion ?? null,
    nodeNapiVersion: Number(process.versions.napi),
    binary: state.binaryPath ? { path: state.binaryPath, sha256: sha256(state.binaryPath) } : null,
    cpuFeatures: state.addon ? [...state.addon.cpuFeatures] : [],
    threads: availableParallelism(),
  };
  if (state.reason) cap.nativeUnavailable = state.reason;
  return cap;
}
