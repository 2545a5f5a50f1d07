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
