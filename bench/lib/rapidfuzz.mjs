// RapidFuzz (Python, C++ inside) as an optional peer: present when `python3 -c "import rapidfuzz"`
// works on this machine, else every RapidFuzz entry is skipped with the reason ("absent: ...").
// A persistent driver (bench/rapidfuzz_driver.py) is spoken to through two FIFOs with blocking
// reads, so its runs are plain synchronous entries timed alternately with strdist's, on the
// same clock, in the same run. The words are sent once, outside any timing.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const driver = join(dirname(fileURLToPath(import.meta.url)), '..', 'rapidfuzz_driver.py');
let peer;

/** The RapidFuzz peer: { version, set(name, list), cdist(spec) -> checksum } or { absent: reason }. */
export function rapidfuzz() {
  if (peer) return peer;
  const probe = spawnSync('python3', ['-c', 'import rapidfuzz, numpy; print(rapidfuzz.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return (peer = { absent: `absent: python3 -c "import rapidfuzz" failed (${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()})` });
  }
  const dir = mkdtempSync(join(tmpdir(), 'strdist-rapidfuzz-'));
  const req = join(dir, 'req'), rsp = join(dir, 'rsp');
  const fifo = spawnSync('mkfifo', [req, rsp]);
  if (fifo.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return (peer = { absent: 'absent: mkfifo failed (the RapidFuzz driver needs FIFOs)' });
  }
  const child = spawn('python3', [driver, req, rsp], { stdio: ['ignore', 'inherit', 'inherit'] });
  child.unref();
  // Same order on both sides (request, then reply), so neither open blocks forever.
  const out = openSync(req, 'w');
  const inp = openSync(rsp, 'r');
  let pending = '';
  const call = (cmd) => {
    writeSync(out, JSON.stringify(cmd) + '\n');
    const buf = Buffer.alloc(1 << 16);
    while (!pending.includes('\n')) {
      const n = readSync(inp, buf, 0, buf.length, null);
      if (n === 0) throw new Error('the RapidFuzz driver exited');
      pending += buf.toString('utf8', 0, n);
    }
    const at = pending.indexOf('\n');
    const reply = JSON.parse(pending.slice(0, at));
    pending = pending.slice(at + 1);
    if (reply.error) throw new Error(`RapidFuzz driver: ${reply.error}`);
    return reply;
  };
  const close = () => {
    try {
      writeSync(out, JSON.stringify({ op: 'quit' }) + '\n');
      closeSync(out);
      closeSync(inp);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', close);
  peer = {
    version: probe.stdout.trim(),
    set: (name, value) => call({ op: 'set', name, value }),
    /** cdist of the lists named `queries` x `choices`; `rows`: one call per query. Returns the checksum. */
    cdist: ({ metric, queries, choices, workers, rows }) => call({ op: 'cdist', metric, queries, choices, workers, rows }).checksum,
    /** The same, returning the driver's whole reply ({ checksum, ns, cpu_ns }). */
    cdistTimed: ({ metric, queries, choices, workers, rows }) => call({ op: 'cdist', metric, queries, choices, workers, rows }),
    /** rapidfuzz.process.extract per query: { checksum, ns, cpu_ns, results: [[[index, score], ...], ...] }. */
    extract: ({ metric, queries, choices, limit }) => call({ op: 'extract', metric, queries, choices, limit }),
  };
  return peer;
}
