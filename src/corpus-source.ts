// Reading word lists: one word per line, or counted lines `<count> <word>`.
import { open } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { CorpusFormatError, ERROR_CODES, rangeError } from './errors.js';
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

const gunzipAsync = promisify(gunzip);

/** The most bytes a word list may have, after decompression, unless `maxBytes` says otherwise. */
export const DEFAULT_MAX_BYTES = 2 ** 30;

export interface ReadOptions {
  /**
   * The most bytes the word list may have after decompression (a gzip bomb stops here).
   * @defaultValue 1 GiB
   */
  maxBytes?: number;
}

function checkMaxBytes(fn: string, value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_BYTES;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw rangeError(ERROR_CODES.OPTION, `${fn}: maxBytes must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function tooLarge(fn: string, source: string, maxBytes: number) {
  return rangeError(ERROR_CODES.TOO_LARGE, `${fn}: ${source} is larger than maxBytes (${maxBytes} bytes)`);
}

/** gzip is recognised by its magic bytes and inflated (on the thread pool) with a cap. */
async function inflate(fn: string, bytes: Uint8Array, source: string, maxBytes: number): Promise<Uint8Array> {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    if (bytes.length > maxBytes) throw tooLarge(fn, source, maxBytes);
    return bytes;
  }
  try {
    return await gunzipAsync(bytes, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(fn, source, maxBytes);
    throw new CorpusFormatError(`${source}: bad gzip data: ${(err as Error).message}`);
  }
}

/**
 * Takes a word list's bytes (inflated, valid or not) before they are parsed, and returns what
 * the read returns instead of the words, or undefined to have them parsed as usual (issue 11:
 * the native corpus reads them straight into its index).
 */
export type TakeBytes<T> = (bytes: Uint8Array) => Promise<T | undefined>;

export async function readWordFile<T = never>(
  path: string,
  format: CorpusFormat,
  options: ReadOptions = {},
  take?: TakeBytes<T>,
): Promise<string[] | T> {
  const fn = 'Corpus.fromFile';
  const maxBytes = checkMaxBytes(fn, options.maxBytes);
  const file = await open(path, 'r');
  let bytes: Buffer;
  try {
    // A plain file is measured before it is read; a gzipped one is capped as it inflates.
    const { size } = await file.stat();
    const head = Buffer.alloc(2);
    await file.read(head, 0, 2, 0);
    const gzipped = head[0] === 0x1f && head[1] === 0x8b;
    if (!gzipped && size > maxBytes) throw tooLarge(fn, path, maxBytes);
    bytes = await file.readFile();
  } finally {
    await file.close();
  }
  const inflated = await inflate(fn, bytes, path, maxBytes);
  const taken = await take?.(inflated);
  if (taken !== undefined) return taken;
  return parseWords(decodeUtf8(inflated, path), format, path);
}

/** Which redirects `Corpus.fromURL` follows. */
export type RedirectPolicy = 'follow-safe' | 'follow' | 'error';

export interface FetchOptions extends ReadOptions {
  /** Give up after this long (connecting and reading). @defaultValue 30000 */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * `follow-safe`: follow up to 5 redirects, never from https to http; `follow`: any up to 5;
   * `error`: a redirect is an error.
   * @defaultValue 'follow-safe'
   */
  redirect?: RedirectPolicy;
  /** The fetch to use (a proxy agent, an allow-list of hosts, a test double). @defaultValue globalThis.fetch */
  fetch?: typeof fetch;
}

const MAX_REDIRECTS = 5;

/** Fetches a word list over http(s), streaming the body with a byte cap and a timeout. */
export async function fetchWords<T = never>(
  url: string | URL,
  format: CorpusFormat,
  options: FetchOptions = {},
  take?: TakeBytes<T>,
): Promise<string[] | T> {
  const fn = 'Corpus.fromURL';
  const href = String(url);
  let parsed: URL;
  try {
    parsed = new URL(href);
  } catch {
    throw new TypeError(`${fn}: not a URL: ${JSON.stringify(href)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`${fn}: only http and https URLs are supported, got ${parsed.protocol}`);
  }
  const maxBytes = checkMaxBytes(fn, options.maxBytes);
  const policy = options.redirect ?? 'follow-safe';
  if (!['follow-safe', 'follow', 'error'].includes(policy)) {
    throw rangeError(ERROR_CODES.OPTION, `${fn}: redirect must be "follow-safe", "follow" or "error", got ${JSON.stringify(policy)}`);
  }
  const doFetch = options.fetch ?? fetch;
  if (typeof doFetch !== 'function') throw new TypeError(`${fn}: fetch must be a function, got ${typeof doFetch}`);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timer = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timer, options.signal]) : timer;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    let res: Response;
    let at = parsed;
    for (let hops = 0; ; hops++) {
      res = await doFetch(at, { signal, redirect: 'manual' });
      const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
      if (location === null) break;
      await res.body?.cancel().catch(() => {});
      const next = new URL(location, at);
      if (policy === 'error') throw new Error(`${fn}: ${at.href} redirects to ${next.href} (redirect: "error")`);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw new Error(`${fn}: ${at.href} redirects to a ${next.protocol} URL`);
      if (policy === 'follow-safe' && at.protocol === 'https:' && next.protocol === 'http:') {
        throw new Error(`${fn}: ${at.href} redirects from https to http (${next.href}); pass redirect: "follow" to allow it`);
      }
      if (hops + 1 > MAX_REDIRECTS) throw new Error(`${fn}: more than ${MAX_REDIRECTS} redirects from ${href}`);
      at = next;
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new Error(`${fn}: ${href} answered HTTP ${res.status} ${res.statusText}`.trimEnd());
    }
    // The compressed body may not be larger than the cap either.
    if (res.body) {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.length;
        if (size > maxBytes) {
          await res.body.cancel().catch(() => {});
          throw tooLarge(fn, href, maxBytes);
        }
        chunks.push(chunk);
      }
    }
  } catch (err) {
    if (timer.aborted) throw new Error(`${fn}: ${href} timed out after ${timeoutMs} ms`, { cause: err });
    if (options.signal?.aborted) throw options.signal.reason ?? err;
    if (err instanceof Error && (err.message.startsWith(fn) || (err as { code?: string }).code === ERROR_CODES.TOO_LARGE)) throw err;
    throw new Error(`${fn}: fetching ${href} failed: ${(err as Error).message}`, { cause: err });
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  const inflated = await inflate(fn, bytes, href, maxBytes);
  const taken = await take?.(inflated);
  if (taken !== undefined) return taken;
  return parseWords(decodeUtf8(inflated, href), format, href);
}
