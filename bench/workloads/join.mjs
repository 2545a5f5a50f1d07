// Fuzzy joins (issue 15): the self-join of 100,000 words at levenshtein <= 1 and jaroWinkler >=
// 0.95 against RapidFuzz's cdist(score_cutoff=..., workers=-1) plus pair extraction (when
// `import rapidfuzz` works; otherwise strdist's own scoreMatrix with the cutoff), with the pair
// sets compared; the full 663,473-word self-join (time, pairs, peak RSS, in a child process);
// and the RSS of a self-join streaming tens of millions of pairs (flat: bounded by the chunk).
//
//   node bench/workloads/join.mjs [--quick] [--peer-rows N]     (standalone: prints the table)
//   npm run bench -- --only join                                 (in the harness)
//
// The peer scores every cell, so its time is the same for every row: it runs a seeded sample
// of rows (all 100,000 columns each, cutoff, pairs extracted with numpy) and its time is scaled
// to all rows; its pairs on those rows are compared with strdist's, exactly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadWords, mulberry32, sampleWords, WORD_LISTS } from '../lib/data.mjs';
import { spawnStrdistWorker, startRedis, until } from '../lib/redis.mjs';

export const name = 'join';
export const description = 'self-join of 100k words (levenshtein <= 1, jaroWinkler >= 0.95) vs RapidFuzz cdist; 663k self-join; streaming RSS';

const TARGET = 20;
const dist = new URL('../../dist/index.mjs', import.meta.url).href;

function times(x) {
  return x >= 100 ? `${x.toFixed(0)}x` : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`;
}
const mib = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;

/** Runs JS in a fresh node process (for a clean peak RSS); returns its JSON line. */
function child(code, env = {}) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1));
}

/** The RapidFuzz peer on `rows`: seconds and, per row, the columns passing. undefined when absent. */
function rapidfuzzPeer(dir, metric, rows) {
  const py = `
import sys, time, json, numpy as np
from rapidfuzz.process import cdist
from rapidfuzz.distance import Levenshtein, JaroWinkler
import rapidfuzz
words = open(sys.argv[1], encoding='utf8').read().split('\\n')[:-1]
rows = [int(x) for x in open(sys.argv[2]).read().split()]
metric = sys.argv[3]
q = [words[r] for r in rows]
out = []
t = time.perf_counter()
for a in range(0, len(q), 1000):
    block = q[a:a + 1000]
    if metric == 'levenshtein':
        m = cdist(block, words, scorer=Levenshtein.distance, score_cutoff=1, workers=-1, dtype=np.uint8)
        hits = np.nonzero(m <= 1)
    else:
        m = cdist(block, words, scorer=JaroWinkler.similarity, score_cutoff=0.95, workers=-1, dtype=np.float64)
        hits = np.nonzero(m >= 0.95)
    out.append((hits[0] + a, hits[1]))
secs = time.perf_counter() - t
r = np.concatenate([h[0] for h in out]); c = np.concatenate([h[1] for h in out])
keep = np.array(rows)[r] != c
pairs = (np.array(rows)[r][keep].astype(np.int64) * 1000000 + c[keep]).tolist()
print(json.dumps({"secs": secs, "version": rapidfuzz.__version__, "pairs": pairs}))
`;
  writeFileSync(join(dir, 'peer.py'), py);
  writeFileSync(join(dir, 'rows.txt'), rows.join('\n'));
  const r = spawnSync('python3', [join(dir, 'peer.py'), join(dir, 'words.txt'), join(dir, 'rows.txt'), metric], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) return { absent: (r.stderr || r.error?.message || 'python3 failed').trim().split('\n').at(-1) };
  return JSON.parse(r.stdout);
}

export async function run(ctx) {
  const pub = ctx.strdist?.pub ?? (await import(dist));
  const quick = !!ctx.quick;
  const threads = os.availableParallelism();
  const insane = loadWords('insane');
  const n = quick ? 10_000 : 100_000;
  const words = insane.slice(0, n);
  const rowsSampled = Math.min(n, ctx.peerRows ?? (quick ? 500 : 4000));
  const rnd = mulberry32(0x1015);
  const rowSet = new Set();
  while (rowSet.size < rowsSampled) rowSet.add(Math.floor(rnd() * n));
  const rows = [...rowSet].sort((a, b) => a - b);
  const dir = mkdtempSync(join(os.tmpdir(), 'strdist-bench-join-'));
  writeFileSync(join(dir, 'words.txt'), words.join('\n') + '\n');
  const table = [];
  const extra = { words: n, threads, peerRows: rows.length, cases: {} };
  try {
    const corpus = pub.Corpus.from(words, { dedupe: false });
    corpus.nativeIndexBytes?.(); // the index is built before the clock starts
    for (const [label, o] of [
      ['levenshtein <= 1', { metric: 'levenshtein', maxDistance: 1 }],
      ['jaroWinkler >= 0.95', { metric: 'jaroWinkler', minScore: 0.95 }],
    ]) {
      const t0 = performance.now();
      const pairs = [];
      for await (const p of corpus.selfJoin({ ...o, threads })) pairs.push(p);
      const ms = performance.now() - t0;
      // strdist's pairs seen from the sampled rows, both directions, as row * 1e6 + column
      const sampled = new Set();
      for (const p of pairs) {
        if (rowSet.has(p.i)) sampled.add(p.i * 1e6 + p.j);
        if (rowSet.has(p.j)) sampled.add(p.j * 1e6 + p.i);
      }
      let peer = rapidfuzzPeer(dir, o.metric, rows);
      let peerName = `RapidFuzz ${peer.version ?? ''} cdist(score_cutoff, workers=-1) + numpy pair extraction`;
      if (peer.absent) {
        // the fallback peer: strdist's scoreMatrix with the cutoff, pairs read from the matrix
        peerName = `strdist scoreMatrix with the cutoff + pair extraction (RapidFuzz absent: ${peer.absent})`;
        const q = rows.map((r) => words[r]);
        const t1 = performance.now();
        const got = [];
        for (let a = 0; a < q.length; a += 200) {
          const block = q.slice(a, a + 200);
          const cut = o.metric === 'levenshtein' ? { maxDistance: 1 } : { minSimilarity: 0.95 };
          const m = await pub.scoreMatrix(o.metric, block, words, { threads, ...cut });
          for (let r = 0; r < block.length; r++) {
            for (let c = 0; c < n; c++) {
              const s = m[r * n + c];
              if ((o.metric === 'levenshtein' ? s <= 1 : s >= 0.95) && rows[a + r] !== c) got.push(rows[a + r] * 1e6 + c);
            }
          }
        }
        peer = { secs: (performance.now() - t1) / 1000, pairs: got };
      }
      const peerAll = peer.secs * (n / rows.length) * 1000;
      const peerSet = new Set(peer.pairs);
      const same = peerSet.size === sampled.size && [...sampled].every((x) => peerSet.has(x));
      const ratio = peerAll / ms;
      extra.cases[label] = { ms, pairs: pairs.length, peer: peerName, peerSampleSecs: peer.secs, peerScaledMs: peerAll, ratio, samePairs: same, sampledPairs: sampled.size };
      table.push([`self-join ${label}, ${n.toLocaleString('en-US')} words`, `strdist selfJoin, ${threads} threads`, `${secs(ms)}, ${pairs.length.toLocaleString('en-US')} pairs`, '—', 'info']);
      table.push([`self-join ${label}, ${n.toLocaleString('en-US')} words`, `${peerName}: ${rows.length} sampled rows × ${n.toLocaleString('en-US')}, scaled to all rows`, `${secs(peer.secs * 1000)} → ${secs(peerAll)}`, '—', 'info']);
      table.push([`self-join ${label}, ${n.toLocaleString('en-US')} words`, 'peer time / strdist time', times(ratio), `≥ ${TARGET}x`, ratio >= TARGET ? 'met' : '**NOT MET**']);
      table.push([`self-join ${label}, ${n.toLocaleString('en-US')} words`, 'same pairs on the sampled rows', `${same ? 'identical' : 'DIFFERENT'} (${sampled.size.toLocaleString('en-US')} pairs)`, 'identical', same ? 'met' : '**NOT MET**']);
      ctx.checks?.push({ what: `join: ${label} self-join pairs equal the peer's on ${rows.length} sampled rows`, exact: true, ok: same, checked: sampled.size, detail: same ? 'identical' : 'pair sets differ' });
    }

    // The whole list, in a child process of its own (its peak RSS is the join's).
    const list = quick ? join(dir, 'words.txt') : WORD_LISTS.insane.path;
    const full = child(`
      import { Corpus } from ${JSON.stringify(dist)};
      const c = await Corpus.fromFile(${JSON.stringify(list)}, { dedupe: false });
      const t0 = performance.now(); c.nativeIndexBytes?.(); const index = performance.now() - t0;
      const t1 = performance.now(); let pairs = 0;
      for await (const _ of c.selfJoin({ metric: 'levenshtein', maxDistance: 1, threads: ${threads} })) pairs++;
      console.log(JSON.stringify({ words: c.size, indexMs: index, ms: performance.now() - t1, pairs, maxRss: process.resourceUsage().maxRSS * 1024 }));
    `);
    extra.full = full;
    const fw = `${full.words.toLocaleString('en-US')} words`;
    table.push([`self-join levenshtein <= 1, ${fw}`, `strdist selfJoin, ${threads} threads (index built in ${secs(full.indexMs)} before)`, secs(full.ms), '—', 'info']);
    table.push([`self-join levenshtein <= 1, ${fw}`, 'pairs found', full.pairs.toLocaleString('en-US'), '—', 'info']);
    table.push([`self-join levenshtein <= 1, ${fw}`, 'peak RSS of the process (words, index, pairs streamed)', mib(full.maxRss), '—', 'info']);

    streamJoin(join(dir, 'words.txt'), quick ? 5000 : 100_000, threads, table, extra);

    // Through Redis: a join of sampled queries against the whole list on 2 worker processes
    // (1 thread each) against the same join here on 2 threads; the rows must be equal.
    await remoteJoin(pub, quick ? words : insane, quick ? 1000 : 20_000, table, extra);
    // The whole list's self-join through Redis (d.selfJoin) against the local one.
    await remoteSelfJoin(pub, list, table, extra, quick ? 8 : 64);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const result = {
    title: `Joins: self-join of ${n.toLocaleString('en-US')} words (${WORD_LISTS.insane.path}, first ${n.toLocaleString('en-US')}) and of the whole list`,
    note:
      `One run each (the peer needs minutes per case: it scores all ${n.toLocaleString('en-US')}² cells). The peer runs ${rows.length} seeded ` +
      `sample rows (seed 0x1015) against every column, pairs extracted with numpy, and its time is scaled by ${n}/${rows.length}; strdist ` +
      `runs the whole self-join (each pair once). The pair sets are compared on the sampled rows (both directions, the diagonal left out). ` +
      `Load average ${os.loadavg()[0].toFixed(2)} at the end.`,
    headers: ['workload', 'figure', 'value', 'target', 'result'],
    rows: table,
  };
  ctx.tables?.push(result);
  if (ctx.extra) ctx.extra.join = extra;
  return result;
}

function streamJoin(file, n, threads, table, extra) {
  // Streaming: a self-join that yields tens of millions of pairs (jaro >= 0.75 over the
  // same words), counted as they stream; RSS sampled at every chunk.
  const stream = child(`
    import { Corpus } from ${JSON.stringify(dist)};
    const words = (await import('node:fs')).readFileSync(${JSON.stringify(file)}, 'utf8').split('\\n').filter(Boolean);
    const c = Corpus.from(words.slice(0, ${n}), { dedupe: false });
    c.nativeIndexBytes?.();
    const rss = [];
    let pairs = 0;
    const t0 = performance.now();
    for await (const _ of c.selfJoin({ metric: 'jaro', minScore: 0.75, threads: ${threads}, onProgress: () => rss.push(process.memoryUsage().rss) })) pairs++;
    console.log(JSON.stringify({ words: c.size, pairs, ms: performance.now() - t0, rss, maxRss: process.resourceUsage().maxRSS * 1024 }));
  `);
  const steady = stream.rss.slice(Math.min(2, stream.rss.length - 1));
  extra.stream = { words: stream.words, pairs: stream.pairs, ms: stream.ms, rssMin: Math.min(...steady), rssMax: Math.max(...steady), chunks: stream.rss.length, maxRss: stream.maxRss };
  const held = stream.pairs * 16;
  table.push([`streaming self-join jaro >= 0.75, ${stream.words.toLocaleString('en-US')} words`, 'pairs streamed (counted, not kept)', `${stream.pairs.toLocaleString('en-US')} in ${secs(stream.ms)}`, '—', 'info']);
  table.push([
    `streaming self-join jaro >= 0.75, ${stream.words.toLocaleString('en-US')} words`,
    `RSS over ${stream.rss.length} chunks (from the 3rd), vs the pairs' size if held (16 B each)`,
    `${mib(Math.min(...steady))} – ${mib(Math.max(...steady))} (peak ${mib(stream.maxRss)}), pairs ${mib(held)}`,
    'flat',
    Math.max(...steady) - Math.min(...steady) < Math.max(64 * 2 ** 20, held / 10) ? 'met' : '**NOT MET**',
  ]);

}

async function remoteJoin(pub, list, nq, table, extra) {
  const corpus = pub.Corpus.from(list, { dedupe: false });
  const queries = sampleWords(list, nq, 'join-remote-queries');
  const o = { metric: 'levenshtein', maxDistance: 1 };
  corpus.nativeIndexBytes?.();
  const t0 = performance.now();
  const local = [];
  for await (const row of corpus.join(queries, { ...o, threads: 2 })) local.push(row);
  const localMs = performance.now() - t0;
  let redis;
  const workers = [];
  const d = { close: async () => {} };
  try {
    redis = await startRedis();
    const prefix = `bench-join-${process.pid}-${Date.now().toString(36)}`;
    workers.push(spawnStrdistWorker(redis.url, prefix, ['--threads', '1']), spawnStrdistWorker(redis.url, prefix, ['--threads', '1']));
    const dispatcher = pub.connect({ redis: redis.url, prefix });
    d.close = () => dispatcher.close();
    await until('2 strdist workers', async () => (await dispatcher.workers()).length >= 2, 60_000);
    const ref = await dispatcher.putCorpus(corpus);
    // the workers load the corpus and build their index once: a first small join, untimed
    for await (const _ of dispatcher.fuzzyJoin(ref, queries.slice(0, 4), { ...o, chunkSize: 2 })) void _;
    const t1 = performance.now();
    const remote = [];
    for await (const row of dispatcher.fuzzyJoin(ref, queries, { ...o, chunkSize: 500, inflight: 6 })) remote.push(row);
    const remoteMs = performance.now() - t1;
    remote.sort((a, b) => a.queryIndex - b.queryIndex);
    const same = JSON.stringify(remote) === JSON.stringify(local);
    const ratio = localMs / remoteMs;
    extra.remote = { queries: nq, words: corpus.size, localMs, remoteMs, ratio, same, rows: local.length };
    const w = `join levenshtein <= 1, ${nq.toLocaleString('en-US')} queries × ${corpus.size.toLocaleString('en-US')} words`;
    table.push([w, 'local, 2 threads', secs(localMs), '—', 'info']);
    table.push([w, 'remote: 2 worker processes (1 thread each) through Redis, chunks of 500', secs(remoteMs), '—', 'info']);
    table.push([w, 'remote throughput / local 2-thread throughput', times(ratio), '≥ 0.8x', ratio >= 0.8 ? 'met' : '**NOT MET**']);
    table.push([w, 'remote rows === local rows', same ? 'identical' : 'DIFFERENT', 'identical', same ? 'met' : '**NOT MET**']);
  } finally {
    await d.close();
    await Promise.allSettled(workers.map((x) => x.stop()));
    await redis?.stop();
  }
}

/** An order-free checksum of a self-join's pairs (two 32-bit sums of pair hashes, and the count). */
const PAIR_SUM = `
  const sum = { n: 0, a: 0, b: 0 };
  const addPair = (p) => {
    sum.n++;
    sum.a = (sum.a + (Math.imul(p.i, 0x9e3779b1) ^ Math.imul(p.j, 0x85ebca77))) >>> 0;
    sum.b = (sum.b + (Math.imul(p.j + 1, 0xc2b2ae3d) ^ Math.imul(p.i + 7, 0x27d4eb2f) ^ Math.round(p.score * 1e6))) >>> 0;
  };`;

/**
 * The whole list's self-join at levenshtein <= 1: locally on 2 threads (a child process: time,
 * pairs, peak RSS) and through Redis on 2 worker processes of 1 thread each (d.selfJoin: rows in
 * chunks balanced by work), alternated local, remote, local; the pairs compared by checksum.
 */
export async function remoteSelfJoin(pub, file, table, extra, chunks = 64, order = 'RLR') {
  const o = { metric: 'levenshtein', maxDistance: 1 };
  const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
  const log = (what, r) => console.error(`[join bench] ${what}: ${JSON.stringify({ ...r, load: load() })}`);
  const local = () => {
    const r = child(`
      import { Corpus } from ${JSON.stringify(dist)};
      ${PAIR_SUM}
      const c = await Corpus.fromFile(${JSON.stringify(file)}, { dedupe: false });
      c.nativeIndexBytes?.();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for await (const p of c.selfJoin({ ...${JSON.stringify(o)}, threads: 2 })) addPair(p);
      const cpu = process.cpuUsage(cpu0);
      console.log(JSON.stringify({ words: c.size, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, sum, maxRss: process.resourceUsage().maxRSS * 1024 }));
    `);
    r.load = load();
    log('local', r);
    return r;
  };
  // the corpus read before any connection (a long synchronous read would stall the Redis watchdog)
  const corpus = await pub.Corpus.fromFile(file, { dedupe: false });
  const remoteOnce = async () => {
    let redis;
    const workers = [];
    let dispatcher;
    try {
      redis = await startRedis();
      const prefix = `bench-selfjoin-${process.pid}-${Date.now().toString(36)}`;
      workers.push(spawnStrdistWorker(redis.url, prefix, ['--threads', '1']), spawnStrdistWorker(redis.url, prefix, ['--threads', '1']));
      dispatcher = pub.connect({ redis: redis.url, prefix });
      await until('2 strdist workers', async () => (await dispatcher.workers()).length >= 2, 60_000);
      const ref = await dispatcher.putCorpus(corpus);
      // both workers load the corpus and build their index before the clock starts: tiny jobs until each ran one
      await until(
        'both workers warm',
        async () => {
          const ids = await dispatcher.map('selfJoin', Array.from({ length: 4 }, () => ({ corpus: ref.id, from: 0, to: 1, ...o })));
          await dispatcher.join(ids, { timeoutMs: 300_000 });
          return (await dispatcher.workers()).every((w) => (w.jobs?.completed ?? 0) >= 1);
        },
        600_000,
      );
      const sum = { n: 0, a: 0, b: 0 };
      // the workers' CPU time from /proc (clock ticks of 10 ms): user + system
      const ticks = () => workers.reduce((t, w) => { const f = readFileSync(`/proc/${w.pid}/stat`, 'utf8').split(') ')[1].split(' '); return t + Number(f[11]) + Number(f[12]); }, 0);
      const w0 = ticks();
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      let reports = 0;
      for await (const p of dispatcher.selfJoin(ref, { ...o, chunks, inflight: 4, onProgress: () => reports++ })) {
        sum.n++;
        sum.a = (sum.a + (Math.imul(p.i, 0x9e3779b1) ^ Math.imul(p.j, 0x85ebca77))) >>> 0;
        sum.b = (sum.b + (Math.imul(p.j + 1, 0xc2b2ae3d) ^ Math.imul(p.i + 7, 0x27d4eb2f) ^ Math.round(p.score * 1e6))) >>> 0;
      }
      const cpu = process.cpuUsage(cpu0);
      const r = { ms: performance.now() - t0, clientCpuMs: (cpu.user + cpu.system) / 1000, workersCpuMs: (ticks() - w0) * 10, sum, reports, load: load() };
      log('remote', r);
      return r;
    } finally {
      await dispatcher?.close();
      await Promise.allSettled(workers.map((x) => x.stop()));
      await redis?.stop();
    }
  };
  const remoteRun = async () => {
    try {
      return await remoteOnce();
    } catch (err) {
      // under heavy load the client can declare Redis down (no PING answer within 1 s): once more
      console.error(`[join bench] remote run failed (${err.message}); running it once more`);
      return { ...(await remoteOnce()), retried: err.message };
    }
  };
  const locals = [];
  const remotes = [];
  for (const step of order) {
    if (step === 'L') locals.push(local());
    else remotes.push(await remoteRun());
  }
  const l1 = locals[0];
  const remote = remotes.reduce((a, b) => (b.ms < a.ms ? b : a));
  const same = [...locals, ...remotes].every((x) => x.sum.n === l1.sum.n && x.sum.a === l1.sum.a && x.sum.b === l1.sum.b);
  const localMs = Math.min(...locals.map((x) => x.ms));
  const ratio = localMs / remote.ms;
  extra.remoteSelfJoin = { words: l1.words, order, locals, remotes, ratio, same, chunks };
  const w = `self-join levenshtein <= 1, ${l1.words.toLocaleString('en-US')} words`;
  table.push([w, `local selfJoin, 2 threads (order of the runs: ${order}, L local, R remote)`, locals.map((x) => `${secs(x.ms)} (CPU ${secs(x.cpuMs)}, load after ${x.load})`).join('; '), '—', 'info']);
  table.push([w, 'pairs found', l1.sum.n.toLocaleString('en-US'), '—', 'info']);
  table.push([w, 'peak RSS of the local process (words, index, pairs streamed)', locals.map((x) => mib(x.maxRss)).join(', '), '—', 'info']);
  table.push([
    w,
    `remote d.selfJoin: 2 worker processes (1 thread each) through Redis, ${chunks} jobs balanced by work, 4 in flight`,
    remotes.map((x) => `${secs(x.ms)} (CPU: workers ${secs(x.workersCpuMs)}, client ${secs(x.clientCpuMs)}; ${x.reports} progress reports; load after ${x.load}${x.retried ? '; a second try' : ''})`).join('; '),
    '—',
    'info',
  ]);
  table.push([w, 'remote throughput / local 2-thread throughput (the faster run of each)', times(ratio), '≥ 0.8x', ratio >= 0.8 ? 'met' : '**NOT MET**']);
  const cpuRatio = Math.min(...locals.map((x) => x.cpuMs)) / Math.min(...remotes.map((x) => x.workersCpuMs + x.clientCpuMs));
  extra.remoteSelfJoin.cpuRatio = cpuRatio;
  table.push([w, 'local CPU time / remote CPU time (workers + client): the cost of going remote, load aside', times(cpuRatio), '—', 'info']);
  table.push([w, 'remote pairs === local pairs (count and two order-free checksums)', same ? 'identical' : 'DIFFERENT', 'identical', same ? 'met' : '**NOT MET**']);
}

/**
 * The whole 100,000-word self-join against RapidFuzz on every row (no sampling, no scaling):
 * strdist, then the peer, then strdist again (alternated: the machine is shared), the full pair
 * sets compared. The peer's time is its cdist calls plus numpy's pair extraction, row blocks of
 * 1,000 (uint8 distances for Levenshtein, float64 for Jaro-Winkler: 100 MB / 800 MB a block).
 */
export async function peerFull(pub, label, o, n = 100_000) {
  const words = loadWords('insane').slice(0, n);
  const dir = mkdtempSync(join(os.tmpdir(), 'strdist-bench-join-'));
  writeFileSync(join(dir, 'words.txt'), words.join('\n') + '\n');
  const threads = os.availableParallelism();
  const rows = [];
  try {
    const corpus = pub.Corpus.from(words, { dedupe: false });
    corpus.nativeIndexBytes?.();
    const strdistRun = async () => {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const set = new Set();
      for await (const p of corpus.selfJoin({ ...o, threads })) {
        set.add(p.i * 1e6 + p.j);
        set.add(p.j * 1e6 + p.i);
      }
      const cpu = process.cpuUsage(cpu0);
      return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, set };
    };
    const up = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
    const a = await strdistRun();
    const loadA = up();
    const all = Array.from({ length: n }, (_, i) => i);
    const peer = rapidfuzzPeer(dir, o.metric, all);
    if (peer.absent) throw new Error(`RapidFuzz absent: ${peer.absent}`);
    const loadP = up();
    const b = await strdistRun();
    const loadB = up();
    const peerSet = new Set(peer.pairs);
    const same = peerSet.size === a.set.size && [...a.set].every((x) => peerSet.has(x)) && b.set.size === a.set.size;
    const best = Math.min(a.ms, b.ms);
    const w = `self-join ${label}, ${n.toLocaleString('en-US')} words, every row`;
    rows.push([w, `strdist selfJoin, ${threads} threads (run 1, load ${loadA}; run 2, load ${loadB})`, `${secs(a.ms)}, ${secs(b.ms)} (CPU ${secs(a.cpuMs)}, ${secs(b.cpuMs)}); ${(a.set.size / 2).toLocaleString('en-US')} pairs`, '—', 'info']);
    rows.push([w, `RapidFuzz ${peer.version} cdist(score_cutoff, workers=-1) + numpy pair extraction, all ${n.toLocaleString('en-US')} rows (load ${loadP})`, secs(peer.secs * 1000), '—', 'info']);
    rows.push([w, 'peer time / strdist time (the faster strdist run)', times((peer.secs * 1000) / best), `≥ ${TARGET}x`, (peer.secs * 1000) / best >= TARGET ? 'met' : '**NOT MET**']);
    rows.push([w, 'same pair sets (both directions, the diagonal left out)', `${same ? 'identical' : 'DIFFERENT'} (${peerSet.size.toLocaleString('en-US')} ordered pairs)`, 'identical', same ? 'met' : '**NOT MET**']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

// Standalone: node bench/workloads/join.mjs [--quick] [--peer-rows N]
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const at = process.argv.indexOf('--peer-rows');
  if (process.argv.includes('--peer-full')) {
    // the 100,000-word self-join against RapidFuzz on every row: node bench/workloads/join.mjs --peer-full levenshtein|jaroWinkler
    const which = process.argv[process.argv.indexOf('--peer-full') + 1];
    const o = which === 'jaroWinkler' ? ['jaroWinkler >= 0.95', { metric: 'jaroWinkler', minScore: 0.95 }] : ['levenshtein <= 1', { metric: 'levenshtein', maxDistance: 1 }];
    const rows = await peerFull(await import(dist), ...o);
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    process.exit(0);
  }
  if (process.argv.includes('--self-remote-only')) {
    // only the 663k self-join, local (2 threads) and remote (2 workers): node bench/workloads/join.mjs --self-remote-only [--quick]
    const rows = [];
    const dir = quick ? mkdtempSync(join(os.tmpdir(), 'strdist-bench-join-')) : undefined;
    const file = quick ? join(dir, 'words.txt') : WORD_LISTS.insane.path;
    if (quick) writeFileSync(file, loadWords('insane').slice(0, 20_000).join('\n') + '\n');
    const at = process.argv.indexOf('--order');
    try {
      await remoteSelfJoin(await import(dist), file, rows, {}, quick ? 8 : 64, at > 0 ? process.argv[at + 1] : 'RLR');
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    process.exit(0);
  }
  if (process.argv.includes('--stream-only')) {
    // only the streaming part: node bench/workloads/join.mjs --stream-only [--quick]
    const dir = mkdtempSync(join(os.tmpdir(), 'strdist-bench-join-'));
    writeFileSync(join(dir, 'words.txt'), loadWords('insane').slice(0, 100_000).join('\n') + '\n');
    const rows = [];
    streamJoin(join(dir, 'words.txt'), quick ? 5000 : 100_000, os.availableParallelism(), rows, {});
    rmSync(dir, { recursive: true, force: true });
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    process.exit(0);
  }
  if (process.argv.includes('--remote-only')) {
    // only the Redis part: node bench/workloads/join.mjs --remote-only [--quick]
    const pub = await import(dist);
    const rows = [];
    await remoteJoin(pub, quick ? loadWords('insane').slice(0, 10_000) : loadWords('insane'), quick ? 1000 : 20_000, rows, {});
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);
    process.exit(0);
  }
  const result = await run({ quick, peerRows: at > 0 ? Number(process.argv[at + 1]) : undefined, checks: [] });
  console.log(`## ${result.title}\n\n${result.note}\n`);
  console.log(`| ${result.headers.join(' | ')} |\n|${result.headers.map(() => ' :--- ').join('|')}|`);
  for (const r of result.rows) console.log(`| ${r.join(' | ')} |`);
}
