// Corpora in Redis: stored once under their content id, as gzipped JSON.
import { gunzipSync, gzipSync } from 'node:zlib';
import { Corpus } from '../corpus.js';

export function encodeCorpus(corpus: Corpus): Buffer {
  return gzipSync(JSON.stringify(corpus.words), { level: 6 });
}

/** Decodes and checks the hash: the words must have the id they were stored under. */
export function decodeCorpus(id: string, data: Buffer): Corpus {
  let words: unknown;
  try {
    words = JSON.parse(gunzipSync(data).toString('utf8'));
  } catch (err) {
    throw new Error(`corpus ${id} in Redis is not readable: ${(err as Error).message}`);
  }
  if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) {
    throw new Error(`corpus ${id} in Redis is not a list of words`);
  }
  const corpus = Corpus.from(words, { dedupe: false });
  if (corpus.id !== id) throw new Error(`corpus ${id} in Redis failed its hash check (the words hash to ${corpus.id})`);
  return corpus;
}

/** How a sharded corpus is laid out: contiguous slices, each stored as a corpus of its own. */
export interface ShardManifest {
  id: string;
  size: number;
  shards: { id: string; offset: number; size: number }[];
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
  const parts: Corpus[] = [];
  const shards: ShardManifest['shards'] = [];
  for (let i = 0; i < k; i++) {
    const from = Math.floor((i * words.length) / k);
    const to = Math.floor(((i + 1) * words.length) / k);
    const part = Corpus.from(words.slice(from, to), { dedupe: false });
    parts.push(part);
    shards.push({ id: part.id, offset: from, size: part.size });
  }
  return { manifest: { id: corpus.id, size: corpus.size, shards }, parts };
}
