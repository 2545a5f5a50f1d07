// bullmq and ioredis, loaded on first use rather than when strdist is imported.
//
// Why: ioredis declares `class VerbatimString extends String`, and V8 turns String.prototype into
// a dictionary-mode (slow) object when a class extends String. From then on every string method
// call in the process (`s.charCodeAt(i)` in anyone's code) takes the slow path: a loop reading
// word pairs ran 28 ns per pair before `import 'ioredis'` and 150-170 ns after (Node 20).
// Importing strdist loaded ioredis for the dispatch's sake, so every user paid that, and 0.7 s of
// start-up, Redis or not. Now a process that never connects to Redis never loads either package,
// and one that does gets String.prototype made fast again right after loading ioredis.
import type * as BullMQ from 'bullmq';
import type * as IORedis from 'ioredis';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { codeLocation } from '../root.js';

let load: NodeJS.Require | undefined;
let bull: typeof BullMQ | undefined;
let io: typeof IORedis | undefined;

function requireFromHere(name: string): unknown {
  // both packages ship CommonJS, so a require() loads them synchronously from ESM as well
  load ??= createRequire(codeLocation() ?? join(process.cwd(), 'index.js'));
  return load(name);
}

/**
 * V8 makes a prototype object fast again when it is the prototype of a constructor's instances
 * and a property load through one of them goes past the load's first, uninitialized state: the
 * load below runs a few times on purpose.
 */
function fastStringPrototype(): void {
  function Probe(this: object) {}
  Probe.prototype = String.prototype;
  const probe = new (Probe as unknown as new () => { charCodeAt: unknown })();
  const read = (o: { charCodeAt: unknown }) => o.charCodeAt;
  for (let i = 0; i < 10; i++) read(probe);
}

export function ioredis(): typeof IORedis {
  if (!io) {
    io = requireFromHere('ioredis') as typeof IORedis;
    fastStringPrototype();
  }
  return io;
}

export function bullmq(): typeof BullMQ {
  if (!bull) {
    ioredis(); // bullmq loads ioredis: ours first, so String.prototype is put right after
    bull = requireFromHere('bullmq') as typeof BullMQ;
    fastStringPrototype();
  }
  return bull;
}
