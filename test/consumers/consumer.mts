// An ES module TypeScript consumer: compiled by test/consumers.test.ts against the built package
// with moduleResolution node16, then run. Every type below must come from the .d.ts files.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capability, connect, Corpus, CorpusFormatError, ERROR_CODES, levenshtein, scoreMatrix, type Match } from 'strdist';

async function main(): Promise<void> {
  const file = join(process.argv[2], 'words.txt');
  writeFileSync(file, 'bagels\nbarge\ncheese\n');
  const d = connect();
  const ref = await d.putCorpus(await Corpus.fromFile(file));
  // require: 'any' so that the TypeScript backend may run it (an install without the addon).
  const id = await d.call('closest', { corpus: ref.id, queries: ['bagel'], n: 1 }, { require: 'any' });
  const [[best]]: Match[][] = await d.result(id, { timeoutMs: 10_000 });
  await d.close();
  const matrix: Float64Array = await scoreMatrix('levenshtein', ['kitten'], ['sitting']);
  const code: string = ERROR_CODES.CORPUS_FORMAT;
  const isError: boolean = new CorpusFormatError('x', 1) instanceof Error;
  console.log(JSON.stringify({ kind: 'esm', d: levenshtein('kitten', 'sitting'), best: best.word, matrix: [...matrix], code, isError, backend: capability().backend }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
