import { afterAll, describe, expect, it } from 'vitest';
import { connect, NoCapableWorkerError } from '../src/dispatch/index.js';
import { backendState } from '../src/backend/index.js';
import { corpus, dispatcherSuite } from './helpers/dispatch-suite.js';

describe('embedded dispatcher (no Redis)', () => {
  const d = connect();
  afterAll(() => d.close());
  it('is the default', () => {
    expect(d.kind).toBe('embedded');
  });
  // this process is the worker: it serves native jobs only with the native backend
  dispatcherSuite(() => d, backendState().kernel.name === 'native' ? 'native' : 'any');

  it('require: native needs the native backend in this process', async () => {
    const ref = await d.putCorpus(corpus);
    const call = d.call('closest', { corpus: ref.id, queries: ['a'] }, { require: 'native' });
    if (backendState().kernel.name === 'native') await expect(call).resolves.toBeTypeOf('string');
    else await expect(call).rejects.toThrow(NoCapableWorkerError);
    const any = await d.call('closest', { corpus: ref.id, queries: ['a'] }, { require: 'any' });
    expect(await d.result(any)).toHaveLength(1);
  });
});
