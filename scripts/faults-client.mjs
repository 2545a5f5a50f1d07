// The client of scripts/faults.mjs: a process without handlers of its own. Reads the queries
// (JSON) on stdin, stores the corpus, maps the queries in jobs, and joins them, asking again
// after RedisUnavailableError (the jobs go on meanwhile; a map() it interrupted names the jobs
// that may have been queued) and queueing again a job Redis lost.
// Writes the results to a file; prints {ms, retries, lost} as its last line.
//   node scripts/faults-client.mjs URL PREFIX OUT PER_JOB N METRIC
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, Corpus } from '../dist/index.mjs';

const [url, prefix, out, perJob, n, metric] = process.argv.slice(2);
const queries = JSON.parse(readFileSync(0, 'utf8'));
const words = readFileSync('/usr/share/dict/american-english-insane', 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
const corpus = Corpus.from(words);
const d = connect({ redis: url, prefix });
const t0 = Date.now();
let retries = 0;
let lost = 0;

/** Retries a call while Redis is away (bounded: 2 minutes). */
async function patient(run) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      return await run();
    } catch (err) {
      if (err?.code !== 'ERR_STRDIST_REDIS_UNAVAILABLE' || Date.now() > deadline) throw err;
      retries++;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Queues jobs; a map() that Redis interrupted names the jobs that may be queued: their results tell (lost: queued again). */
const queue = (list) => patient(() => d.map('closest', list).catch((err) => (err?.jobIds ? err.jobIds : Promise.reject(err))));

const ref = await patient(() => d.putCorpus(corpus));
const argsList = [];
for (let i = 0; i < queries.length; i += Number(perJob)) {
  argsList.push({ corpus: ref.id, queries: queries.slice(i, i + Number(perJob)), n: Number(n), metric });
}
const ids = await queue(argsList);
const parts = await Promise.all(
  ids.map(async (id, k) => {
    for (;;) {
      try {
        return await patient(() => d.result(id, { timeoutMs: 300_000 }));
      } catch (err) {
        if (err?.code !== 'ERR_STRDIST_JOB_LOST') throw err;
        lost++;
        id = (await queue([argsList[k]]))[0];
      }
    }
  }),
);
writeFileSync(out, JSON.stringify(parts.flat()));
console.log(JSON.stringify({ ms: Date.now() - t0, retries, lost }));
await d.close();
