// Corpus memory (issue 11, item 4), run by hand (not a workload of run.mjs: each figure needs a
// fresh process, and the 20-million-word corpus takes minutes and gigabytes):
//
//   node bench/corpus-memory.mjs                    # the 663k list: fromFile and from(array)
//   node bench/corpus-memory.mjs --big 20000000     # plus a synthetic corpus of that many words
//   node bench/corpus-memory.mjs --dist /other/checkout/dist   # another build, to compare
//
// Each figure comes from its own child process run with --expose-gc: strdist loaded and warmed
// up on a small corpus (so code pages and the first-use caches are not counted; for from(array)
// also V8's buffer of the caller's split), two GCs, RSS;
// then the corpus is built, the caller's array (if any) dropped, two GCs, RSS again. The
// growth is the corpus's whole cost, JavaScript side included. RSS is what the OS counts;
// process.memoryUsage() also gives the V8 heap and external (ArrayBuffer) figures.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const dist = resolve(process.env.STRDIST_MEMORY_DIST ?? arg('--dist', join(here, '..', 'dist')));
const list = arg('--list', '/usr/share/dict/american-english-insane');
const big = Number(arg('--big', '0'));
const queries = Number(arg('--queries', '100'));

// ---- the child: one measurement -------------------------------------------------------------
if (process.env.STRDIST_MEMORY_CHILD) {
  const { mode, file } = JSON.parse(process.env.STRDIST_MEMORY_CHILD);
  const { Corpus } = await import(join(dist, 'index.mjs'));
  const { readFileSync } = await import('node:fs');
  const gc = () => {
    globalThis.gc();
    globalThis.gc();
  };
  const settle = async () => {
    await new Promise((r) => setImmediate(r)); // WeakRefs are cleared only after the turn ends
    gc();
    await new Promise((r) => setTimeout(r, 50));
    gc();
  };
  const idle = async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      gc();
    }
  };
  // warm-up: the same paths on a small corpus
  {
    const small = Corpus.from(['warm', 'up', 'words', 'here']);
    await small.closest('word');
    small.at(1);
    if (mode === 'array') {
      // The caller's own split of the list, once: V8 keeps the indices of a split for the
      // process's life (4.0 MiB of malloc in use after splitting the 663k-line list, with no
      // corpus at all), so the same split below would count it as the corpus's.
      readFileSync(file, 'utf8').split('\n');
    }
    const { writeFileSync, unlinkSync } = await import('node:fs');
    const warm = join(tmpdir(), `strdist-warm-${process.pid}.txt`);
    writeFileSync(warm, 'warm\nup\nwords\nhere\nwarm\n');
    const f = await Corpus.fromFile(warm);
    f.at(2);
    unlinkSync(warm);
  }
  await settle();
  await idle(); // the baseline as settled as the last figure below
  const before = process.memoryUsage();
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let corpus;
  if (mode === 'file') {
    corpus = await Corpus.fromFile(file, { maxBytes: 2 ** 31 });
  } else {
    let words = readFileSync(file, 'utf8').split('\n').map((w) => w.trim()).filter(Boolean);
    corpus = Corpus.from(words);
    words = undefined; // the caller drops its array
  }
  const loadMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const loadCpu = process.cpuUsage(cpu0);
  const loadCpuMs = (loadCpu.user + loadCpu.system) / 1000;
  await corpus.closest('word'); // a corpus that answers: an index built on first use is counted
  await settle();
  const after = process.memoryUsage();
  const out = {
    mode,
    size: corpus.size,
    loadMs,
    loadCpuMs,
    rssGrowth: after.rss - before.rss,
    heapGrowth: after.heapUsed - before.heapUsed,
    externalGrowth: after.external - before.external,
    rssAfter: after.rss,
    indexBytes: corpus.nativeIndexBytes(),
  };
  if (mode === 'file' && process.env.STRDIST_MEMORY_QUERIES) {
    const n = Number(process.env.STRDIST_MEMORY_QUERIES);
    const qs = [];
    for (let i = 0; i < n; i++) {
      // a word of the list (at() takes a position among the file's words; a dropped duplicate's is undefined)
      let at = Math.floor((((i * 2654435761) % 4294967296) / 4294967296) * corpus.size);
      let w = corpus.at(at);
      while (w === undefined) w = corpus.at(++at);
      qs.push(w.length > 3 ? w.slice(0, 2) + w.slice(3) + 'e' : w + 'x'); // a near miss
    }
    out.queries = {};
    for (const metric of ['jaro', 'levenshtein', 'jaroWinkler']) {
      await corpus.closest(qs[0], { metric, threads: 1 }); // warm
      const c0 = process.cpuUsage();
      const w0 = process.hrtime.bigint();
      for (const q of qs) await corpus.closest(q, { metric, threads: 1 });
      const wall = Number(process.hrtime.bigint() - w0) / 1e6 / qs.length;
      const cpu = process.cpuUsage(c0);
      out.queries[metric] = { wallMsPerQuery: wall, cpuMsPerQuery: (cpu.user + cpu.system) / 1000 / qs.length };
    }
    const c0 = process.cpuUsage();
    const w0 = process.hrtime.bigint();
    await corpus.closestMany(qs, { threads: 2 });
    out.queries.jaro2threads = { wallMsPerQuery: Number(process.hrtime.bigint() - w0) / 1e6 / qs.length, cpuMsPerQuery: (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1000 / qs.length };
  }
  // V8 gives freed heap pages back over a few idle seconds (its memory reducer): the array a
  // caller dropped stops counting only then
  await idle();
  out.rssGrowthIdle = process.memoryUsage().rss - before.rss;
  out.rssPeak = process.resourceUsage().maxRSS * 1024;
  // Where the index's bytes go: the addon's breakdown of an index of the same file (the
  // corpus's own handle is private), built after the figures above were taken.
  if (mode === 'file') {
    try {
      const { createRequire } = await import('node:module');
      const addon = createRequire(join(dist, 'index.cjs'))('node-gyp-build')(join(dist, '..'));
      if (addon.corpusBytes) out.breakdown = addon.corpusBytes(addon.corpusFromUtf8(readFileSync(file), true).handle);
    } catch {
      /* an addon without corpusBytes (an older build) */
    }
  }
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

// ---- the parent -------------------------------------------------------------------------------
function measure(mode, file, extraEnv = {}) {
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', fileURLToPath(import.meta.url)], {
    env: { ...process.env, ...extraEnv, STRDIST_MEMORY_DIST: dist, STRDIST_MEMORY_CHILD: JSON.stringify({ mode, file }) },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const MiB = (b) => (b / 2 ** 20).toFixed(1);
function show(label, bytes, m) {
  console.log(
    `${label}: ${m.size} words, load ${(m.loadMs / 1000).toFixed(2)} s (CPU ${(m.loadCpuMs / 1000).toFixed(2)} s), RSS growth ${MiB(m.rssGrowth)} MiB = ` +
      `${(m.rssGrowth / bytes).toFixed(2)}x the list's ${MiB(bytes)} MiB (${(m.rssGrowth / m.size).toFixed(1)} B/word); ` +
      `after 5 s idle ${MiB(m.rssGrowthIdle)} MiB = ${(m.rssGrowthIdle / bytes).toFixed(2)}x; ` +
      `V8 heap ${MiB(m.heapGrowth)} MiB, external (ArrayBuffers: positions)  ${MiB(m.externalGrowth)} MiB, native index ${m.indexBytes === undefined ? '-' : MiB(m.indexBytes)} MiB; peak RSS ${MiB(m.rssPeak)} MiB`,
  );
  if (m.breakdown) {
    const b = m.breakdown;
    const per = (x) => (x / m.size).toFixed(2);
    console.log(`  index bytes per word: text ${per(b.text)}, signatures ${per(b.signatures)}, slot->index ${per(b.index)}, length groups ${per(b.groups)}`);
  }
  if (m.queries) {
    for (const [k, v] of Object.entries(m.queries)) {
      console.log(`  closest-10 ${k}: ${v.wallMsPerQuery.toFixed(2)} ms/query wall, ${v.cpuMsPerQuery.toFixed(2)} ms/query CPU`);
    }
  }
}

console.log(`dist ${dist}; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
if (existsSync(list)) {
  const bytes = statSync(list).size;
  show(`fromFile ${list}`, bytes, measure('file', list, { STRDIST_MEMORY_QUERIES: String(queries) }));
  show('from(array), array dropped', bytes, measure('array', list));
}

if (big > 0) {
  // seeded words of 3-14 letters, written to a file (the JS heap would not hold 20M strings cheaply)
  const dir = mkdtempSync(join(tmpdir(), 'strdist-big-'));
  const file = join(dir, 'words.txt');
  try {
    let seed = 0x2545f491;
    const rand = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    // letters by English frequency, so the words look like words to the signature filter
    const letters = 'eeeeeeeeeeeetttttttttaaaaaaaaooooooooiiiiiiinnnnnnnsssssshhhhhhrrrrrrddddllllcccuuummwwffggyyppbbvkjxqz';
    const fd = openSync(file, 'w');
    const buf = Buffer.alloc(1 << 20);
    let at = 0;
    for (let i = 0; i < big; i++) {
      if (at > buf.length - 16) {
        writeSync(fd, buf, 0, at);
        at = 0;
      }
      const len = 3 + Math.floor(rand() * 12);
      for (let k = 0; k < len; k++) buf[at++] = letters.charCodeAt(Math.floor(rand() * letters.length));
      buf[at++] = 10;
    }
    writeSync(fd, buf, 0, at);
    closeSync(fd);
    const bytes = statSync(file).size;
    show(`synthetic ${big} words (${file})`, bytes, measure('file', file, { STRDIST_MEMORY_QUERIES: String(queries) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
