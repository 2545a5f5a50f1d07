import { it } from 'vitest';
import { parseTask } from '../src/tasks.js';
it('t', () => {
  const a = { corpus: 'v2-sha256:' + '0'.repeat(64), queries: ['w12x3'], n: 1 };
  for (let i = 0; i < 2000; i++) parseTask('closest', a);
  const t = performance.now();
  for (let i = 0; i < 10000; i++) parseTask('closest', a);
  console.log('parseTask us', ((performance.now() - t) / 10).toFixed(2));
});
