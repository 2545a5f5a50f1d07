// Corpora in Redis: stored once under their content id, as gzipped JSON of the words and, when
// they are not 0, 1, 2, …, each word's position in the caller's list (Match.index). A sharded
// corpus is a manifest with its shards namespaced under it (never shared with another corpus).
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { corpusFromParts, corpusPositions, type Corpus } from '../corpus.js';
import type { ClosestResult, RawResult } from '../tasks.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
/** Lets timers (a job's lock renewal among them) run between the long steps of a decode. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A stored corpus that cannot be used: corrupt, over the limits, or not what its id says. */
export class CorruptCorpusError extends Error {
  override name = 'CorruptCorpusError';
}

export async function encodeCorpus(corpus: Corpus): Promise<Buffer> {
  const positions = corpusPositions(corpus);
  const stored = positions ? { words: corpus.words, positions: Array.from(positions) } : { words: corpus.words };
  return gzipAsync(JSON.stringify(stored), { level: 6 });
}

/**
 * Inflates (on the thread pool, at most `maxInflated` bytes), parses and hash-checks a stored
 * corpus: the words must have the id they were stored under.
 */
export async function decodeCorpus(id: string, data: Buffer, maxInflated: number, tooLarge?: (why: string) => Error): Promise<Corpus> {
  let text: string;
  try {
    text = (await gunzipAsync(data, { maxOutputLength: maxInflated })).toString('utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE') {
      const why = `it inflates to more than ${maxInflated} bytes`;
      throw tooLarge ? tooLarge(why) : new CorruptCorpusError(`corpus ${id} in Redis is not readable: ${why}`);
    }
    throw new CorruptCorpusError(`corpus ${id} in Redis is not readable: ${e.message}`);
  }
  await yieldToLoop();
  let stored: { words?: unknown; positions?: unknown };
  try {
    stored = JSON.parse(text);
  } catch (err) {
    throw new CorruptCorpusError(`corpus ${id} in Redis is not readable: ${(err as Error).message}`);
  }
  const { words, positions } = stored ?? {};
  if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) {
    throw new CorruptCorpusError(`corpus ${id} in Redis is not a list of words`);
  }
  if (positions !== undefined && !(Array.isArray(positions) && positions.every((p) => Number.isInteger(p) && p >= 0 && p <= 0xffffffff))) {
    throw new CorruptCorpusError(`corpus ${id} in Redis has bad positions`);
  }
  await yieldToLoop();
  let corpus: Corpus;
  try {
    corpus = corpusFromParts(words, positions && Uint32Array.from(positions));
  } catch (err) {
    throw new CorruptCorpusError(`corpus ${id} in Redis is not a corpus: ${(err as Error).message}`);
  }
  await yieldToLoop();
  if (corpus.id !== id) throw new CorruptCorpusError(`corpus ${id} in Redis failed its hash check (the words hash to ${corpus.id})`);
  return corpus;
}

/**
 * How a sharded corpus is laid out: contiguous slices, each stored as a corpus of its own whose
 * words keep their positions in the whole list (so a shard's matches need no offset).
 */
export interface ShardManifest {
  id: string;
  size: number;
  shards: { id: string; size: number }[];
}

export function parseManifest(raw: string, id: string): ShardManifest {
  let m: ShardManifest;
  try {
    m = JSON.parse(raw) as ShardManifest;
  } catch {
    throw new CorruptCorpusError(`the shard manifest of corpus ${id} in Redis is not JSON`);
  }
  if (m?.id !== id || !Array.isArray(m.shards) || m.shards.some((s) => typeof s?.id !== 'string')) {
    throw new CorruptCorpusError(`the shard manifest of corpus ${id} in Redis is not one`);
  }
  return m;
}

export function checkShardCount(shards: unknown): number {
  if (shards === undefined) return 1;
  if (typeof shards !== 'number' || !Number.isInteger(shards) || shards < 1 || shards > 1024) {
    throw new RangeError(`shards must be an integer in [1, 1024], got ${JSON.stringify(shards)}`);
  }
  return shards;
}

/** Splits a corpus into `count` contiguous shards (fewer when it has fewer words). */
export function splitShards(corpus: Corpus, count: number): { manifest: ShardManifest; parts: Corpus[] } {
  const k = Math.max(1, Math.min(count, corpus.size));
  const words = corpus.words;
  const positions = corpusPositions(corpus);
  const parts: Corpus[] = [];
  const shards: ShardManifest['shards'] = [];
  for (let i = 0; i < k; i++) {
    const from = Math.floor((i * words.length) / k);
    const to = Math.floor(((i + 1) * words.length) / k);
    const at = positions ? positions.slice(from, to) : Uint32Array.from({ length: to - from }, (_, j) => from + j);
    const part = corpusFromParts(words.slice(from, to), at);
    parts.push(part);
    shards.push({ id: part.id, size: part.size });
  }
  return { manifest: { id: corpus.id, size: corpus.size, shards }, parts };
}

/** Matches with their words: results carry positions in the caller's list, as `corpus.at` takes. */
export function withWords(corpus: Corpus, raw: RawResult): ClosestResult {
  return raw.map((ms) =>
    ms.map(({ score, index }) => {
      const word = corpus.at(index);
      if (word === undefined) throw new Error(`a result names position ${index}, which corpus ${corpus.id} does not have`);
      return { word, score, index };
    }),
  );
}
