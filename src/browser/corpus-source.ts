// src/corpus-source.ts for the browser build: no files and no fetch of word lists (Corpus.from
// takes the words); parsing is not needed either.
import { codedError, ERROR_CODES } from '../errors.js';
export type { CorpusFormat, FetchOptions, ReadOptions } from '../corpus-source.js';

const absent = (what: string) =>
  codedError(ERROR_CODES.ARGUMENT, `strdist: ${what} is not in the browser build; fetch the words yourself and pass them to Corpus.from`);

export async function readWordFile(): Promise<string[]> {
  throw absent('Corpus.fromFile');
}

export async function fetchWords(): Promise<string[]> {
  throw absent('Corpus.fromURL');
}
