// Reading word lists: one word per line, or counted lines `<count> <word>`.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { CorpusFormatError } from './errors.js';
export { CorpusFormatError };

export type CorpusFormat = 'lines' | 'counted' | 'auto';
export const CORPUS_FORMATS: readonly CorpusFormat[] = ['lines', 'counted', 'auto'];

const COUNTED = /^(\d+)[ \t]+(\S.*)$/;


const strict = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8 (a BOM is dropped); invalid UTF-8 is an error naming the first bad line. */
export function decodeUtf8(bytes: Uint8Array, source: string): string {
  try {
    return strict.decode(bytes);
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try {
          strict.decode(bytes.subarray(start, i));
        } catch {
          throw new CorpusFormatError(`${source}: invalid UTF-8 on line ${line}`, line);
        }
        line++;
        start = i + 1;
      }
    }
    throw new CorpusFormatError(`${source}: invalid UTF-8`);
  }
}

/** Splits a word list into words, in file order, as `format` says. */
export function parseWords(text: string, format: CorpusFormat, source: string): string[] {
  if (!CORPUS_FORMATS.includes(format)) {
    throw new RangeError(`format must be one of ${CORPUS_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split('\n');
  if (format === 'auto') {
    let any = false;
    format = 'counted';
    for (const raw of lines) {
      const line = raw.trim();
      if (line === '') continue;
      any = true;
      if (!COUNTED.test(line)) {
        format = 'lines';
        break;
      }
    }
    if (!any) format = 'lines';
  }
  const words: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (format === 'lines') {
      words.push(line);
      continue;
    }
    const m = COUNTED.exec(line);
    if (!m) {
      throw new CorpusFormatError(
        `${source}: line ${i + 1} is not "<count> <word>": ${JSON.stringify(line.slice(0, 60))}`,
        i + 1,
      );
    }
    words.push(m[2].trim());
  }
  return words;
}

/** gzip is recognised by its magic bytes and inflated first. */
function inflate(bytes: Uint8Array, source: string): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (err) {
    throw new CorpusFormatError(`${source}: bad gzip data: ${(err as Error).message}`);
  }
}

export async function readWordFile(path: string, format: CorpusFormat): Promise<string[]> {
  const bytes = inflate(await readFile(path), path);
  return parseWords(decodeUtf8(bytes, path), format, path);
}

export interface FetchOptions {
  /** Give up after this long (connecting and reading). @defaultValue 30000 */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Fetches a word list over http(s), streaming the body, with a timeout. */
export async function fetchWords(url: string | URL, format: CorpusFormat, options: FetchOptions = {}): Promise<string[]> {
  const href = String(url);
  let parsed: URL;
  try {
    parsed = new URL(href);
  } catch {
    throw new TypeError(`Corpus.fromURL: not a URL: ${JSON.stringify(href)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`Corpus.fromURL: only http and https URLs are supported, got ${parsed.protocol}`);
  }
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timer = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timer, options.signal]) : timer;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const res = await fetch(parsed, { signal });
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new Error(`Corpus.fromURL: ${href} answered HTTP ${res.status} ${res.statusText}`.trimEnd());
    }
    if (res.body) {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        chunks.push(chunk);
        size += chunk.length;
      }
    }
  } catch (err) {
    if (timer.aborted) throw new Error(`Corpus.fromURL: ${href} timed out after ${timeoutMs} ms`, { cause: err });
    if (options.signal?.aborted) throw options.signal.reason ?? err;
    if (err instanceof Error && err.message.startsWith('Corpus.fromURL')) throw err;
    throw new Error(`Corpus.fromURL: fetching ${href} failed: ${(err as Error).message}`, { cause: err });
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return parseWords(decodeUtf8(inflate(bytes, href), href), format, href);
}
