import type { Corpus } from '../corpus.js';

const sizes = new WeakMap<Corpus, number>();

/**
 * Approximate bytes a corpus holds (JS strings plus the native index): what the cache counts.
 * A walk of every word, done once per corpus (the worker checks a fetched corpus with it before
 * the cache counts it).
 */
export function sizeOf(corpus: Corpus): number {
  let bytes = sizes.get(corpus);
  if (bytes === undefined) {
    let units = 0;
    for (const w of corpus) units += w.length;
    sizes.set(corpus, (bytes = units * 4 + corpus.size * 48));
  }
  return bytes;
}

/**
 * Corpora by id, least recently used dropped first once the bytes exceed `maxBytes`. Loads
 * of the same id share one promise, so a corpus is fetched once however many jobs ask; a load
 * still under way is never dropped (it frees nothing, and a second ask would fetch it again).
 */
export class CorpusCache {
  readonly #entries = new Map<string, { corpus: Promise<Corpus>; bytes: number; loaded: boolean }>();
  #bytes = 0;

  constructor(readonly maxBytes: number) {}

  get(id: string, load: () => Promise<Corpus>): Promise<Corpus> {
    const hit = this.#entries.get(id);
    if (hit) {
      this.#entries.delete(id); // move to the back: most recently used
      this.#entries.set(id, hit);
      return hit.corpus;
    }
    const entry = { corpus: load(), bytes: 0, loaded: false };
    this.#entries.set(id, entry);
    entry.corpus.then(
      (c) => {
        if (this.#entries.get(id) !== entry) return;
        entry.bytes = sizeOf(c);
        entry.loaded = true;
        this.#bytes += entry.bytes;
        this.#evict(id);
      },
      () => {
        if (this.#entries.get(id) === entry) this.#entries.delete(id);
      },
    );
    return entry.corpus;
  }

  /** A corpus already in hand, kept as if loaded: counted, the least recently used dropped past the budget. */
  put(id: string, corpus: Corpus): void {
    this.delete(id);
    const entry = { corpus: Promise.resolve(corpus), bytes: sizeOf(corpus), loaded: true };
    this.#entries.set(id, entry);
    this.#bytes += entry.bytes;
    this.#evict(id);
  }

  delete(id: string): void {
    const e = this.#entries.get(id);
    if (!e) return;
    this.#bytes -= e.bytes;
    this.#entries.delete(id);
  }

  get bytes(): number {
    return this.#bytes;
  }

  #evict(keep: string): void {
    for (const [id, e] of this.#entries) {
      if (this.#bytes <= this.maxBytes) return;
      if (id === keep || !e.loaded) continue;
      this.#bytes -= e.bytes;
      this.#entries.delete(id);
    }
  }
}
