// Lengths in a SharedArrayBuffer that a worker_thread rewrites all the time (lengths[0]
// flips between 1 and 2^20) while this thread passes them to an addon export, again and
// again: the addon must read them once, check that copy and use only it. Run as a child
// process by test/addon-boundary.test.ts (a crash fails the test, not the run):
//   node test/helpers/shared-lengths.cjs <addon.node> <export> <iterations>
// Prints {ok, refused (coded RangeErrors), other (any other error)}.
const { Worker } = require('node:worker_threads');
const [addon, fn, iterations] = process.argv.slice(2);
const a = require(addon);
const sab = new SharedArrayBuffer(12);
const lengths = new Uint32Array(sab, 0, 2);
const stop = new Int32Array(sab, 8, 1);
lengths.set([1, 1]);
const w = new Worker(`
const { workerData } = require('node:worker_threads');
const l = new Uint32Array(workerData, 0, 2), stop = new Int32Array(workerData, 8, 1);
while (Atomics.load(stop, 0) === 0) for (let i = 0; i < 1000; i++) { l[0] = 1 << 20; l[0] = 1; }
`, { eval: true, workerData: sab });
const t = a.cancelToken(); a.cancel(t);
const calls = {
  corpusCreate: () => a.corpusCreate('ab', lengths),
  corpusSearchSync: (h) => a.corpusSearchSync(h, 'ab', lengths, 0, 1, 0.1, 0, -1, 1),
  scoreMatrix: () => { a.scoreMatrix(0, 'ab', lengths, 'ab', lengths, 0, -1, 1, t).catch(() => {}); },
  scoreMany: () => a.scoreMany(0, 'a', 'ab', lengths, 0, -1, new Float64Array(2)),
};
const h = a.corpusCreate('ab', Uint32Array.of(1, 1));
w.on('online', async () => {
  let ok = 0, refused = 0; const other = [];
  for (let i = 0; i < Number(iterations); i++) {
    try { calls[fn](h); ok++; } catch (e) { if (e.code === 'ERR_STRDIST_OPTION' && e instanceof RangeError) refused++; else other.push(String(e)); }
    if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
  }
  Atomics.store(stop, 0, 1);
  console.log(JSON.stringify({ ok, refused, other: other.slice(0, 5) }));
});
