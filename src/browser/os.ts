// node:os for the browser build: only what corpus.ts and matrix.ts read.
export function availableParallelism(): number {
  return (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency || 1;
}
