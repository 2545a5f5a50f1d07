// Corpora in Redis: stored once under their content id, as gzipped JSON of the words and, when
// they are not 0, 1, 2, …, each word's position in the caller's list (Match.index).
import { gunzipSync, gzipSync } from 'node:zlib';
import { corpusFromParts, corpusPositions, type Corpus } from '../corpus.js';

export function encodeCorpus(corpus: Corpus): Buffer {
  const positions = corpusPositions(corpus);
  const stored = positions ? { words: corpus.words, positions: Array.from(positions) } : { words: corpus.words };
  return gzipSync(JSON.stringify(stored), { level: 6 });
}

/** Decodes and checks the hash: the words must have the id they were stored under. */
export function decodeCorpus(id: string, data: Buffer): Corpus {
  let stored: { words?: unknown; positions?: unknown };
  try {
    stored = JSON.parse(gunzipSync(data).toString('utf8'));
  } catch (err) {
    throw new Error(`corpus ${id} in Redis is not readable: ${(err as Error).message}`);
  }
  const { words, positions } = stored ?? {};
  if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) {
    throw new Error(`corpus ${id} in Redis is not a list of words`);
  }
  if (positions !== undefined && !(Array.isArray(positions) && positions.every((p) => Number.isInteger(p) && p >= 0 && p <= 0xffffffff))) {
    throw new Error(`corpus ${id} in Redis has bad positions`);
  }
  let corpus: Corpus;
  try {
    corpus = corpusFromParts(words, positions && Uint32Array.from(positions));
  } catch (err) {
    throw new Error(`corpus ${id} in Redis is not a corpus: ${(err as Error).message}`);
  }
  if (corpus.id !== id) throw new Error(`corpus ${id} in Redis failed its hash check (the words hash to ${corpus.id})`);
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
