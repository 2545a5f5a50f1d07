// Corpora in Redis: stored once under their content id, as gzipped JSON; a sharded corpus as
// a manifest with its shards namespaced under it (never shared with another corpus).
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { Corpus } from '../corpus.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** A stored corpus that cannot be used: corrupt, over the limits, or not what its id says. */
export class CorruptCorpusError extends Error {
  override name = 'CorruptCorpusError';
}

export async function encodeCorpus(corpus: Corpus): Promise<Buffer> {
  return gzipAsync(JSON.stringify(corpus.words), { level: 6 });
}

/**
 * Inflates (on the thread pool, at most `maxInflated` bytes), parses and hash-checks a stored
 * corpus: the words must have the id they were stored under.
 */
export async function decodeCorpus(id: string, data: Buffer, maxInflated: number): Promise<Corpus> {
  let text: string;
  try {
    text = (await gunzipAsync(data, { maxOutputLength: maxInflated })).toString('utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ERR_BUFFER_TOO_LARGE' ? `it inflates to more than ${maxInflated} bytes` : e.message;
    throw new CorruptCorpusError(`corpus ${id} in Redis is not readable: ${why}`);
  }
  let words: unknown;
  try {
    words = JSON.parse(text);
  } catch (err) {
    throw new CorruptCorpusError(`corpus ${id} in Redis is not readable: ${(err as Error).message}`);
  }
  if (!Array.isArray(words) || !words.every((w) => typeof w === 'string')) {
    throw new CorruptCorpusError(`corpus ${id} in Redis is not a list of words`);
  }
  const corpus = Corpus.from(words, { dedupe: false });
  if (corpus.id !== id) throw new CorruptCorpusError(`corpus ${id} in Redis failed its hash check (the words hash to ${corpus.id})`);
  return corpus;
}

/** How a sharded corpus is laid out: contiguous slices, each stored as a corpus of its own. */
export interface ShardManifest {
  id: string;
  size: number;
  shards: { id: string; offset: number; size: number }[];
}

export function parseManifest(raw: string, id: string): ShardManifest {
  let m: ShardManifest;
  try {
    m = JSON.parse(raw) as ShardManifest;
  } catch {
    throw new CorruptCorpusError(`the shard manifest of corpus ${id} in Redis is not JSON`);
  }
  if (m?.id !== id || !Array.isArray(m.shards) || m.shards.some((s) => typeof s?.id !== 'string' || !Number.isInteger(s.offset))) {
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
