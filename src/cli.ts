import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SingleBar } from 'cli-progress';
import { CORPUS_FORMATS, type CorpusFormat } from './corpus-source.js';
import { ALL_METRICS, isDistanceMetric, type AnyMetric, type Metric } from './kernel.js';
import { packageRoot } from './root.js';
import { OPTION_RULES, type OptionName } from './options.js';
import type { Corpus, Match } from './corpus.js';
import { PROCESSORS, type ProcessorName } from './processors.js';
import type { EditOp } from './editops.js';
import { addJoinCommands } from './cli-join.js';
import { cliMessage } from './cli-message.js';

// Loaded lazily so that a backend that cannot load (STRDIST_BACKEND=native without a binary)
// is reported as one clear line rather than a stack trace.
type Lib = typeof import('./index.js');
let lib: Lib;

function score(metric: Metric, a: string, b: string, prefixWeight?: number): number {
  const { jaro, jaroWinkler, levenshtein, levenshteinSimilarity } = lib;
  switch (metric) {
    case 'levenshtein':
      return levenshtein(a, b);
    case 'levenshteinSimilarity':
      return levenshteinSimilarity(a, b);
    case 'jaro':
      return jaro(a, b);
    case 'jaroWinkler':
      return jaroWinkler(a, b, { prefixWeight });
  }
}

/**
 * A command-line value checked by the library's own rule for that option (src/options.ts), so
 * the CLI accepts exactly what the API accepts. `Infinity` is spelt out.
 */
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

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('not a positive integer');
  }
  return n;
}

/** The word list shipped in the package (Debian's wamerican), used when no --corpus is given. */
export const BUNDLED_CORPUS = 'data/words.txt.gz';

async function loadCorpus(source: string | undefined, format: CorpusFormat): Promise<Corpus> {
  const { Corpus } = lib;
  if (source === undefined) return Corpus.fromFile(join(packageRoot().dir, BUNDLED_CORPUS), { format: 'lines' });
  if (/^https?:\/\//i.test(source)) return Corpus.fromURL(source, { format });
  return Corpus.fromFile(source, { format });
}

async function readQueries(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

function formatScore(metric: AnyMetric, score: number): string {
  return isDistanceMetric(metric) || metric === 'longestCommonSubsequence' ? String(score) : score.toFixed(4);
}

// ---- issue 12: the added metrics at `strdist distance` ----
interface DistanceCliOptions {
  metric: AnyMetric;
  prefixWeight?: number;
  pad?: boolean;
  weights?: { insert: number; delete: number; substitute: number };
  processor?: ProcessorName;
  json?: boolean;
}

/** `--weights i,d,s`: three integers, checked by the library's weights rule. */
function weightsArg(value: string): { insert: number; delete: number; substitute: number } {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new InvalidArgumentError('must be three non-negative integers insert,delete,substitute (e.g. 1,1,2)');
  }
  const [insert, del, substitute] = parts.map(Number);
  try {
    return OPTION_RULES.weights.check('strdist', 'weights', { insert, delete: del, substitute });
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message.replace(/^strdist: /, ''));
  }
}

function scoreAny(a: string, b: string, opts: DistanceCliOptions): number {
  const m = opts.metric;
  if (opts.pad && m !== 'hamming' && m !== 'hammingSimilarity') throw new Error(`distance: --pad is for hamming and hammingSimilarity, not ${m}`);
  if (opts.weights && m !== 'levenshtein') throw new Error(`distance: --weights is for levenshtein, not ${m}`);
  if (opts.prefixWeight !== undefined && m !== 'jaroWinkler') throw new Error(`distance: --prefix-weight is for jaroWinkler, not ${m}`);
  switch (m) {
    case 'levenshtein':
      return opts.weights ? lib.levenshtein(a, b, { weights: opts.weights }) : lib.levenshtein(a, b);
    case 'hamming':
      return lib.hamming(a, b, { pad: opts.pad ?? false });
    case 'hammingSimilarity':
      return lib.hammingSimilarity(a, b, { pad: opts.pad ?? false });
    case 'indel':
    case 'ratio':
    case 'longestCommonSubsequence':
    case 'osa':
    case 'osaSimilarity':
    case 'damerauLevenshtein':
    case 'damerauLevenshteinSimilarity':
      return lib[m](a, b);
    default:
      return score(m, a, b, opts.prefixWeight);
  }
}
// ---- end issue 12 ----

interface ClosestCliOptions {
  redis?: string;
  prefix?: string;
  require: 'native' | 'any';
  n: number;
  metric: AnyMetric;
  minScore?: number;
  maxDistance?: number;
  prefixWeight?: number;
  corpus?: string;
  format: CorpusFormat;
  json?: boolean;
  jsonl?: boolean;
  threads?: number;
  queries?: string;
  processor?: ProcessorName;
}

/** One `--jsonl` line: a query's matches (or its job's error), as soon as its job finishes. */
function jsonlLine(position: number, query: string, matches: Pick<Match, 'word' | 'score' | 'index'>[] | undefined, error?: unknown): string {
  if (matches === undefined) return JSON.stringify({ position, query, error: error instanceof Error ? error.message : String(error) }) + '\n';
  return JSON.stringify({ position, query, matches: matches.map(({ word, score, index }) => ({ word, score, index })) }) + '\n';
}

async function closestCommand(words: string[], opts: ClosestCliOptions): Promise<void> {
  const queries = [...words, ...(opts.queries ? await readQueries(opts.queries) : [])];
  if (queries.length === 0) throw new Error('closest: give query words, or --queries FILE');
  const corpus = await loadCorpus(opts.corpus, opts.format);
  const cutoffs = { minScore: opts.minScore, maxDistance: opts.maxDistance, prefixWeight: opts.prefixWeight };
  const search = { n: opts.n, metric: opts.metric, threads: opts.threads, processor: opts.processor, ...cutoffs };
  const results: Pick<Match, 'word' | 'score' | 'index'>[][] = [];
  // Batches keep the progress bar moving; a bar only on a terminal and for a --queries file.
  const bar = opts.queries && process.stderr.isTTY ? new SingleBar({ stream: process.stderr, etaBuffer: 50 }) : undefined;
  bar?.start(queries.length, 0);
  const batch = 256;
  if (opts.redis) {
    // Through the queue: the corpus is stored once, the batches are mapped over the workers.
    const dispatcher = lib.connect({ redis: opts.redis, prefix: opts.prefix });
    try {
      const ref = await dispatcher.putCorpus(corpus);
      const argsList: import('./tasks.js').ClosestArgs[] = [];
      for (let i = 0; i < queries.length; i += batch) {
        argsList.push({
          corpus: ref.id, queries: queries.slice(i, i + batch), n: opts.n, metric: opts.metric, processor: opts.processor, ...cutoffs,
        });
      }
      const ids = await dispatcher.map('closest', argsList, { require: opts.require });
      // One bar over the batch, moved by the workers' progress reports and by each job's end.
      const follow = { timeoutMs: 10 * 60_000, onProgress: bar ? (p: { done: number }) => bar.update(p.done) : undefined };
      if (opts.jsonl) {
        let failure: unknown;
        for await (const r of dispatcher.each<'closest'>(ids, follow)) {
          const at = r.index * batch;
          const lines = argsList[r.index].queries.map((q, j) => jsonlLine(at + j, q, r.status === 'fulfilled' ? r.value[j] : undefined, r.status === 'rejected' ? r.reason : undefined));
          process.stdout.write(lines.join(''));
          if (r.status === 'rejected') failure ??= r.reason;
        }
        bar?.stop();
        if (failure) throw failure;
        return;
      }
      const parts = await dispatcher.join<'closest'>(ids, follow);
      for (const p of parts) results.push(...p);
    } finally {
      await dispatcher.close();
    }
  } else {
    for (let i = 0; i < queries.length; i += batch) {
      const part = await corpus.closestMany(queries.slice(i, i + batch), search);
      if (opts.jsonl) process.stdout.write(part.map((ms, j) => jsonlLine(i + j, queries[i + j], ms)).join(''));
      else results.push(...part);
      bar?.update(Math.min(queries.length, i + batch));
    }
  }
  bar?.stop();
  if (opts.jsonl) return;
  if (opts.json) {
    const out = queries.map((query, i) => ({
      query,
      matches: results[i].map(({ word, score, index }) => ({ word, score, index })),
    }));
    process.stdout.write(JSON.stringify(out) + '\n');
    return;
  }
  const lines = queries.map(
    (q, i) => `${q}: ${results[i].map((m) => `${m.word} ${formatScore(opts.metric, m.score)}`).join(', ')}`,
  );
  process.stdout.write(lines.join('\n') + '\n');
}

/**
 * An edit script as text: one line per operation (`replace 0 0  k -> s`), the distance, then
 * the two strings aligned in columns of code points, with a line of marks under them (`r`
 * replace, `i` insert, `d` delete, a space where they agree).
 */
export function formatEditops(ops: readonly EditOp[], a: string, b: string): string[] {
  const ca = Array.from(a);
  const cb = Array.from(b);
  const show = (c: string | undefined) => JSON.stringify(c ?? '').slice(1, -1);
  const lines = ops.map(([op, i, j]) =>
    `${op.padEnd(7)} ${String(i).padStart(3)} ${String(j).padStart(3)}  ` +
    (op === 'replace' ? `${show(ca[i])} -> ${show(cb[j])}` : op === 'insert' ? `+ ${show(cb[j])}` : `- ${show(ca[i])}`),
  );
  lines.push(`distance ${ops.length}`);
  let top = '';
  let bottom = '';
  let marks = '';
  let i = 0;
  let j = 0;
  const cell = (x: string, y: string, mark: string) => {
    const w = Math.max(x.length, y.length, 1);
    top += x.padEnd(w);
    bottom += y.padEnd(w);
    marks += mark.padEnd(w);
  };
  const equalUpTo = (ai: number) => {
    while (i < ai) cell(ca[i++], cb[j++], ' ');
  };
  for (const [op, ai] of ops) {
    equalUpTo(ai);
    if (op === 'replace') cell(ca[i++], cb[j++], 'r');
    else if (op === 'insert') cell('-', cb[j++], 'i');
    else cell(ca[i++], '-', 'd');
  }
  equalUpTo(ca.length);
  lines.push('', top, bottom, marks.trimEnd());
  return lines;
}

/** `--redis`, taken from STRDIST_REDIS_URL when not given (so no password needs to be in `ps`). */
function redisOption(what = 'redis:// or rediss:// URL'): Option {
  return new Option('--redis <url>', what).env('STRDIST_REDIS_URL');
}

export function buildProgram(): Command {
  const program = new Command('strdist')
    .description(
      'Exact string distances: Levenshtein (weighted too), Jaro, Jaro-Winkler, Indel and ratio, longest common ' +
        'subsequence, Hamming, optimal string alignment, Damerau-Levenshtein',
    )
    .version(packageRoot().version)
    .showHelpAfterError();

  program
    .command('distance')
    .description('print the distance or similarity of two strings')
    .addOption(new Option('-m, --metric <metric>', 'the metric').choices(ALL_METRICS).default('levenshtein'))
    .option('-p, --prefix-weight <p>', 'Winkler prefix weight for jaroWinkler, in [0, 0.25]', ruleArg('prefixWeight'))
    .option('--pad', 'hamming, hammingSimilarity: compare strings of different lengths (the extra characters are mismatches)')
    .option('--weights <i,d,s>', 'levenshtein: costs of an insertion, a deletion and a substitution (integers, e.g. 1,1,2)', weightsArg)
    .addOption(new Option('--processor <p>', 'apply to both strings first').choices(PROCESSORS))
    .option('--json', 'print a JSON object')
    .argument('<a>', 'first string')
    .argument('<b>', 'second string')
    .action((a: string, b: string, opts: DistanceCliOptions) => {
      const p = opts.processor;
      const value = p ? scoreAny(lib.applyProcessor(p, a), lib.applyProcessor(p, b), opts) : scoreAny(a, b, opts);
      if (opts.json) console.log(JSON.stringify({ metric: opts.metric, ...(p ? { processor: p } : {}), a, b, score: value }));
      else console.log(String(value));
    });

  program
    .command('closest')
    .description('print the n closest corpus words to each query word, best first')
    .argument('[words...]', 'query words')
    .option('-n, --n <n>', 'how many matches per query (a non-negative integer or Infinity)', ruleArg('n'), 10)
    .addOption(new Option('-m, --metric <metric>', 'the metric').choices(ALL_METRICS).default('jaro'))
    .option('--min-score <s>', 'similarities: leave out matches below this, in [0, 1]', ruleArg('minScore'))
    .option('--max-distance <d>', 'levenshtein: leave out matches farther than this', ruleArg('maxDistance'))
    .option('-p, --prefix-weight <p>', 'Winkler prefix weight for jaroWinkler, in [0, 0.25]', ruleArg('prefixWeight'))
    .option('-c, --corpus <path|url>', 'word list file or http(s) URL (default: the bundled English list)')
    .addOption(new Option('-f, --format <format>', 'word list format').choices(CORPUS_FORMATS).default('lines'))
    .option('-t, --threads <t>', 'threads (default: all cores)', ruleArg('threads'))
    .option('-q, --queries <file>', 'read more queries from a file, one per line')
    .addOption(new Option('--processor <p>', 'apply to the queries and the corpus words before comparing').choices(PROCESSORS))
    .option('--json', 'print JSON: [{"query", "matches": [{"word", "score", "index"}]}]')
    .option('--jsonl', 'print one JSON line per query as its job finishes (with --redis: in the order jobs finish): {"position", "query", "matches"} or {"position", "query", "error"}')
    .addOption(redisOption('send the search to strdist workers through this Redis'))
    .option('--prefix <prefix>', 'key prefix of the queues (with --redis)', 'strdist')
    .addOption(new Option('--require <backend>', 'which workers may run it (with --redis)').choices(['native', 'any']).default('native'))
    .action((words: string[], opts: ClosestCliOptions) => closestCommand(words, opts));

  program
    .command('editops')
    .description('print a minimal edit script turning a into b, and the two strings aligned')
    .addOption(new Option('-m, --metric <metric>', 'levenshtein (replace, insert, delete) or indel (insert, delete)').choices(['levenshtein', 'indel']).default('levenshtein'))
    .addOption(new Option('--processor <p>', 'apply to both strings first').choices(PROCESSORS))
    .option('--json', 'print JSON: {"metric", "a", "b", "distance", "editops", "opcodes"}')
    .argument('<a>', 'first string')
    .argument('<b>', 'second string')
    .action((a: string, b: string, opts: { metric: 'levenshtein' | 'indel'; processor?: ProcessorName; json?: boolean }) => {
      const options = { metric: opts.metric, processor: opts.processor };
      const ops = lib.editops(a, b, options);
      if (opts.json) {
        const opcodes = lib.opcodes(a, b, options);
        const processor = opts.processor ? { processor: opts.processor } : {};
        console.log(JSON.stringify({ metric: opts.metric, ...processor, a, b, distance: ops.length, editops: ops, opcodes }));
        return;
      }
      const pa = opts.processor ? lib.applyProcessor(opts.processor, a) : a;
      const pb = opts.processor ? lib.applyProcessor(opts.processor, b) : b;
      process.stdout.write(formatEditops(ops, pa, pb).join('\n') + '\n');
    });

  program
    .command('worker')
    .description('serve closest-word jobs from a Redis queue until SIGTERM or SIGINT')
    .addOption(redisOption().makeOptionMandatory())
    .option('--prefix <prefix>', 'key prefix of the queues', 'strdist')
    .option('--concurrency <n>', 'jobs at once', parsePositiveInt, 1)
    .option('-t, --threads <t>', 'threads for one search (default: the CPUs this process may use, cgroup quota included)', parsePositiveInt)
    .option('--cache-bytes <bytes>', 'bytes of corpora kept in memory (default: 1 GiB)', parsePositiveInt)
    .option('--lock-duration <ms>', 'lock time of a running job; a dead worker loses its jobs after it (default: 30000)', parsePositiveInt)
    .option('--require-native', 'exit non-zero unless the native kernel loads and passes its self-test')
    .option('--progress-ms <ms>', 'long jobs report progress at most this often, and once per 256 queries (default: 1000; 0: every 256 queries)', (v: string) => (v.trim() === '0' ? 0 : parsePositiveInt(v)))
    .action(
      async (opts: {
        redis: string;
        prefix: string;
        concurrency: number;
        threads?: number;
        cacheBytes?: number;
        lockDuration?: number;
        requireNative?: boolean;
        progressMs?: number;
      }) => {
        const { startWorker } = await import('./dispatch/worker.js');
        const { pino } = await import('pino');
        // JSON lines on stderr, written synchronously so the last lines survive an exit.
        const logger = pino({ base: { pid: process.pid }, name: 'strdist-worker' }, pino.destination({ fd: 2, sync: true }));
        const worker = await startWorker({ ...opts, lockDurationMs: opts.lockDuration, logger });
        await new Promise<void>((resolve) => {
          process.once('SIGTERM', () => resolve());
          process.once('SIGINT', () => resolve());
        });
        // Stop taking jobs, hand the running ones back (abort, back to waiting), leave. A second
        // signal, or Redis being away for 10 s, ends it at once (its jobs then stall over to
        // another worker after the lock time).
        const force = () => {
          logger.error({}, 'shutdown did not finish; exiting now');
          process.exit(1);
        };
        process.once('SIGTERM', force);
        process.once('SIGINT', force);
        setTimeout(force, 10_000).unref();
        await worker.close();
      },
    );

  program
    .command('workers')
    .description('list the live workers and their capability records')
    .addOption(redisOption().makeOptionMandatory())
    .option('--prefix <prefix>', 'key prefix of the queues', 'strdist')
    .option('--json', 'print the records as JSON')
    .action(async (opts: { redis: string; prefix: string; json?: boolean }) => {
      const { QueueDispatcher } = await import('./dispatch/queue.js');
      const d = new QueueDispatcher({ redis: opts.redis, prefix: opts.prefix });
      try {
        const list = await d.workers();
        if (opts.json) {
          console.log(JSON.stringify(list, null, 2));
          return;
        }
        if (list.length === 0) console.log(`no live workers (prefix ${opts.prefix})`);
        for (const w of list) {
          console.log(
            `${w.id}  ${w.backend} kernel v${w.kernelVersion}  ${w.platform}-${w.arch}${w.libc ? `-${w.libc}` : ''}  ` +
              `queues ${w.queues.join(',')}  threads ${w.threads}  concurrency ${w.concurrency}` +
              (w.binary ? `  ${w.binary.path} sha256:${w.binary.sha256.slice(0, 12)}` : '') +
              (w.nativeUnavailable ? `  native unavailable: ${w.nativeUnavailable}` : ''),
          );
        }
      } finally {
        await d.close();
      }
    });

  program
    .command('dashboard')
    .description('serve a web dashboard: bull-board over the queues, and the live workers with their jobs')
    .addOption(redisOption().makeOptionMandatory())
    .option('--prefix <prefix>', 'key prefix of the queues', 'strdist')
    .option('--port <port>', 'port to listen on (0: any free port)', (v: string) => (v.trim() === '0' ? 0 : parsePositiveInt(v)), 3000)
    .option('--host <address>', 'address to listen on (another than localhost exposes the dashboard: use --auth)', '127.0.0.1')
    .option('--allow-actions', 'let the dashboard retry, clean and cancel jobs (read-only without it)')
    .option('--auth <user:password-file>', 'require HTTP basic auth: this user, and the password in this file')
    .action(async (opts: { redis: string; prefix: string; port: number; host: string; allowActions?: boolean; auth?: string }) => {
      const { startDashboard, DashboardError } = await import('./dashboard.js');
      let dashboard;
      try {
        dashboard = await startDashboard(opts);
      } catch (err) {
        if (err instanceof DashboardError) {
          console.error(err.message.startsWith('strdist') ? err.message : `strdist dashboard: ${err.message}`);
          process.exit(err.exitCode);
        }
        throw err;
      }
      const loopback = /^(127\.|::1$|localhost$)/.test(opts.host);
      if (!loopback && !opts.auth) console.error(`strdist dashboard: warning: listening on ${opts.host} without --auth: anyone who can reach it sees the queues and job data`);
      console.log(`strdist dashboard: ${dashboard.url} (queues at ${dashboard.url}queues; ${opts.allowActions ? 'actions allowed' : 'read-only'})`);
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', () => resolve());
        process.once('SIGINT', () => resolve());
      });
      setTimeout(() => process.exit(0), 3_000).unref();
      await dashboard.close();
    });

  program
    .command('info')
    .description('print the backend, versions, platform and the loaded binary')
    .option('--json', 'print the capability record as JSON')
    .action((opts: { json?: boolean }) => {
      const cap = lib.capability();
      if (opts.json) {
        console.log(JSON.stringify(cap, null, 2));
        return;
      }
      const rows: [string, string][] = [
        ['strdist', cap.version],
        ['backend', cap.backend + (cap.nativeUnavailable ? ` (native unavailable: ${cap.nativeUnavailable})` : '')],
        ['kernel', `v${cap.kernelVersion}`],
        ['platform', `${cap.platform}-${cap.arch}${cap.libc ? ` (${cap.libc})` : ''}`],
        ['node', `${cap.node}, Node-API ${cap.nodeNapiVersion}`],
        ['binary', cap.binary ? `${cap.binary.path} (Node-API ${cap.napiVersion})` : 'none'],
        ['sha256', cap.binary ? cap.binary.sha256 : '-'],
        ['cpu', cap.cpuFeatures.join(' ') || '-'],
        ['threads', String(cap.threads)],
      ];
      for (const [k, v] of rows) console.log(`${k.padEnd(9)} ${v}`);
    });

  addJoinCommands(program, () => lib); // join, dedupe (issue 15)

  return program;
}

async function main(): Promise<void> {
  // `worker` and `workers` choose their backend themselves (a worker falls back to js when the
  // binary fails); everything else uses the library's process-wide choice.
  const command = process.argv[2];
  if (command !== 'worker' && command !== 'workers' && command !== 'dashboard') lib = await import('./index.js');
  await buildProgram().parseAsync(process.argv);
}

main().catch((err: unknown) => {
  console.error(cliMessage(err));
  process.exitCode = 1;
});
