// The closest task's quick check (plainClosestArgs) against its schema: whatever it accepts, the
// schema accepts with the same output; what it leaves to the schema, the schema decides.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_METRICS } from '../src/kernel.js';
import { LIMITS, parseTask, plainClosestArgs, TASKS, TaskArgumentError } from '../src/tasks.js';

const ID = `v2-sha256:${'ab'.repeat(32)}`;
const schema = TASKS.closest.schema;

// Values near every rule's edges, and of the wrong types.
const anyValue = fc.oneof(
  fc.constantFrom(undefined, null, true, 0, -1, 1, 1.5, 10, LIMITS.n, LIMITS.n + 1, Infinity, NaN, '', 'jaro', ID, [], {}),
  fc.integer({ min: -5, max: LIMITS.n + 5 }),
  fc.constantFrom(...ALL_METRICS, 'Jaro', 'cosine'),
  fc.string({ maxLength: 4 }),
);
const corpus = fc.oneof(fc.constant(ID), fc.constant(`${ID}0`), fc.constant(ID.toUpperCase()), anyValue);
const query = fc.oneof(fc.string({ maxLength: 12, unit: 'binary' }), fc.constant('x'.repeat(LIMITS.queryLength)), fc.constant('x'.repeat(LIMITS.queryLength + 1)), anyValue);
const queries = fc.oneof(fc.array(query, { minLength: 0, maxLength: 5 }), fc.array(fc.constant('ab'), { minLength: 99, maxLength: 101 }), anyValue);
// Mostly the plain shape (the quick path's), its values now and then off; and anything.
const plainShape = fc.record(
  {
    corpus: fc.oneof({ weight: 4, arbitrary: fc.constant(ID) }, corpus),
    queries: fc.oneof({ weight: 4, arbitrary: fc.array(fc.string({ maxLength: 12, unit: 'binary' }), { minLength: 1, maxLength: 5 }) }, queries),
    n: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: LIMITS.n }) }, anyValue),
    metric: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ALL_METRICS) }, anyValue),
  },
  { requiredKeys: ['corpus', 'queries'] },
);
const anyShape = fc.record(
  {
    corpus,
    queries,
    n: fc.oneof(fc.integer({ min: 0, max: LIMITS.n }), anyValue),
    metric: fc.oneof(fc.constantFrom(...ALL_METRICS), anyValue),
    minScore: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), anyValue),
    maxDistance: anyValue,
    prefixWeight: anyValue,
    extra: anyValue,
  },
  { requiredKeys: [] },
);
const args = fc.oneof(plainShape, anyShape);

describe('plainClosestArgs', () => {
  it('accepts only what the schema accepts, with the same output', () => {
    let quick = 0;
    fc.assert(
      fc.property(args, (a) => {
        const mine = plainClosestArgs(a);
        if (mine === undefined) return;
        quick++;
        const theirs = schema.safeParse(a);
        expect(theirs.success).toBe(true);
        expect(mine).toEqual(theirs.data);
      }),
      { numRuns: 5000 },
    );
    expect(quick).toBeGreaterThan(50); // the property saw the quick path, not only refusals
  });

  it('takes the commonest arguments', () => {
    const a = { corpus: ID, queries: ['a', 'b'], n: 3, metric: 'levenshtein' };
    expect(plainClosestArgs(a)).toEqual({ corpus: ID, queries: ['a', 'b'], n: 3, metric: 'levenshtein' });
    expect(plainClosestArgs({ corpus: ID, queries: ['a'] })).toEqual({ corpus: ID, queries: ['a'], n: 10, metric: 'jaro' });
    expect(plainClosestArgs(a)!.queries).not.toBe(a.queries); // a copy, as the schema's
  });

  it('leaves the rest to the schema, which still refuses what it refused', () => {
    const bad = [
      { corpus: ID, queries: ['a'], n: 1, metric: 'levenshtein', minScore: 0.5 }, // the cross-field rule
      { corpus: ID, queries: ['a'], indexOffset: 3 },
      { corpus: ID, queries: [], n: 1 },
      { corpus: ID, queries: Array(LIMITS.queriesPerJob).fill('a'), n: LIMITS.n },
      Object.assign(Object.create({ inherited: 1 }), { corpus: ID, queries: ['a'] }),
    ];
    for (const a of bad) {
      expect(plainClosestArgs(a)).toBeUndefined();
      expect(() => parseTask('closest', a)).toThrow(TaskArgumentError);
    }
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(plainClosestArgs(revoked.proxy)).toBeUndefined();
    expect(() => parseTask('closest', revoked.proxy)).toThrow(TaskArgumentError);
  });
});
