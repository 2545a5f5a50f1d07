// `strdist join LEFT RIGHT` and `strdist dedupe FILE` (issue 15): streamed output, a progress
// bar on stderr when it is a terminal.
import { once } from 'node:events';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { CORPUS_FORMATS, type CorpusFormat } from './corpus-source.js';
import type { Corpus } from './corpus.js';
import type { JoinProgress } from './join.js';
import { METRICS, type Metric } from './kernel.js';
import { OPTION_RULES, type OptionName } from './options.js';

type Lib = typeof import('./index.js');

interface JoinCliOptions {
  metric: Metric;
  minScore?: number;
  maxDistance?: number;
  prefixWeight?: number;
  format: CorpusFormat;
  threads?: number;
  jsonl?: boolean;
  redis?: string;
  prefix: string;
  require: 'native' | 'any';
  shards?: number;
  singletons?: boolean;
}

function ruleArg(name: OptionName) {
  return (value: string): number => {
    const text = value.trim();
    const v = text === 'Infinity' ? Infinity : text === '' ? NaN : Number(text);
    try {
      return OPTION_RULES[name].check('strdist', name, v) as number;
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message.replace(/^strdist: \w+ /, ''));
    }
  };
}

/** Writes to stdout, waiting when its buffer is full (so a slow reader bounds the memory). */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

function progressBar(total: number): { update(p: JoinProgress): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar({ stream: process.stderr, etaBuffer: 50, format: ' {bar} {percentage}% | {value}/{total} | {found} found | ETA {eta_formatted}' });
  bar.start(total, 0, { found: 0 });
  return { update: (p) => bar.update(p.done, { found: p.found }), stop: () => bar.stop() };
}

function thresholds(opts: JoinCliOptions) {
  const o: { metric: Metric; minScore?: number; maxDistance?: number; prefixWeight?: number } = { metric: opts.metric };
  if (opts.minScore !== undefined) o.minScore = opts.minScore;
  if (opts.maxDistance !== undefined) o.maxDistance = opts.maxDistance;
  if (opts.prefixWeight !== undefined) o.prefixWeight = opts.prefixWeight;
  return o;
}

async function joinCommand(lib: Lib, left: string, right: string, opts: JoinCliOptions): Promise<void> {
  // LEFT: the queries, every line kept (queryIndex = its line among the non-empty lines);
  // RIGHT: the corpus searched (first occurrences; index = its line among the non-empty lines).
  const queries: Corpus = await lib.Corpus.fromFile(left, { format: opts.format, dedupe: false });
  const corpus: Corpus = await lib.Corpus.fromFile(right, { format: opts.format });
  const o = thresholds(opts);
  const bar = progressBar(queries.size);
  const print = async (row: import('./join.js').JoinRow) => {
    if (opts.jsonl) {
      await write(JSON.stringify(row) + '\n');
      return;
    }
    let text = '';
    for (const m of row.matches) text += `${row.query}\t${m.word}\t${m.score}\t${row.queryIndex}\t${m.index}\n`;
    await write(text);
  };
  try {
    if (opts.redis) {
      const d = lib.connect({ redis: opts.redis, prefix: opts.prefix });
      try {
        const ref = await d.putCorpus(corpus, opts.shards ? { shards: opts.shards } : undefined);
        for await (const row of d.fuzzyJoin(ref, queries, { ...o, require: opts.require, onProgress: (p) => bar.update(p) })) await print(row);
      } finally {
        await d.close();
      }
    } else {
      for await (const row of corpus.join(queries, { ...o, threads: opts.threads, onProgress: (p) => bar.update(p) })) await print(row);
    }
  } finally {
    bar.stop();
  }
}

async function dedupeCommand(lib: Lib, file: string, opts: JoinCliOptions): Promise<void> {
  // every line kept, so a cluster names the duplicates' lines too
  const corpus: Corpus = await lib.Corpus.fromFile(file, { format: opts.format, dedupe: false });
  const bar = progressBar(corpus.size);
  let clusters: number[][];
  try {
    if (opts.redis) {
      // the self-join on strdist workers (issue 15); the clusters are made here as the pairs stream in
      const d = lib.connect({ redis: opts.redis, prefix: opts.prefix });
      try {
        const ref = await d.putCorpus(corpus, opts.shards ? { shards: opts.shards } : undefined);
        clusters = await d.dedupe(ref, { ...thresholds(opts), require: opts.require, singletons: opts.singletons, onProgress: (p) => bar.update(p) });
      } finally {
        await d.close();
      }
    } else {
      clusters = await corpus.dedupe({ ...thresholds(opts), threads: opts.threads, singletons: opts.singletons, onProgress: (p) => bar.update(p) });
    }
  } finally {
    bar.stop();
  }
  for (const c of clusters) {
    const words = c.map((i) => corpus.at(i)!);
    await write(opts.jsonl ? JSON.stringify({ representative: c[0], members: c, words }) + '\n' : words.join('\t') + '\n');
  }
}

function common(cmd: Command): Command {
  return cmd
    .addOption(new Option('-m, --metric <metric>', 'the metric').choices(METRICS).default('jaro'))
    .option('--min-score <s>', 'the threshold of a similarity: pairs scoring at least this, in [0, 1]', ruleArg('minScore'))
    .option('--max-distance <d>', 'the threshold of levenshtein: pairs at most this far apart', ruleArg('maxDistance'))
    .option('-p, --prefix-weight <p>', 'Winkler prefix weight for jaroWinkler, in [0, 0.25]', ruleArg('prefixWeight'))
    .addOption(new Option('-f, --format <format>', 'word list format').choices(CORPUS_FORMATS).default('lines'))
    .option('-t, --threads <t>', 'threads (default: all cores)', ruleArg('threads'))
    .option('--jsonl', 'print one JSON object a line');
}

/** Adds `join` and `dedupe` to the program; `lib()` is the library, loaded by main(). */
export function addJoinCommands(program: Command, lib: () => Lib): void {
  common(
    program
      .command('join')
      .description(
        'print every RIGHT word within the threshold of each LEFT line, streamed: ' +
          'query, word, score, query line, word line (tab-separated), or --jsonl rows {queryIndex, query, matches}',
      )
      .argument('<left>', 'the queries: a word list file, one per line')
      .argument('<right>', 'the words searched: a word list file'),
  )
    .addOption(new Option('--redis <url>', 'run the join on strdist workers through this Redis').env('STRDIST_REDIS_URL'))
    .option('--prefix <prefix>', 'key prefix of the queues (with --redis)', 'strdist')
    .option('--shards <k>', 'store RIGHT in k shards (with --redis)', ruleArg('threads'))
    .addOption(new Option('--require <backend>', 'which workers may run it (with --redis)').choices(['native', 'any']).default('native'))
    .action((left: string, right: string, opts: JoinCliOptions) => joinCommand(lib(), left, right, opts));

  common(
    program
      .command('dedupe')
      .description('print the clusters of near-duplicate lines (connected components of the pairs within the threshold), one a line')
      .argument('<file>', 'a word list file, one per line'),
  )
    .option('--singletons', 'also print the lines near no other, as clusters of one')
    .addOption(new Option('--redis <url>', 'run the self-join on strdist workers through this Redis').env('STRDIST_REDIS_URL'))
    .option('--prefix <prefix>', 'key prefix of the queues (with --redis)', 'strdist')
    .option('--shards <k>', 'store FILE in k shards (with --redis)', ruleArg('threads'))
    .addOption(new Option('--require <backend>', 'which workers may run it (with --redis)').choices(['native', 'any']).default('native'))
    .action((file: string, opts: JoinCliOptions) => dedupeCommand(lib(), file, opts));
}
