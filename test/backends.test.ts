// Which backends this install tests, and the guard that keeps CI from passing without native:
// with STRDIST_EXPECT_NATIVE=1 (.ci/run sets it for every run that has a compiler or a
// prebuild) the addon must load; without it, its absence must be one the package explains.
import { describe, expect, it } from 'vitest';
import { addon, assertNativeAbsenceIsLegitimate, backendNames, backends, kernels } from './helpers/backends.js';

describe('the backends this install tests', () => {
  it('the native addon loads when STRDIST_EXPECT_NATIVE=1; otherwise its absence is explained', () => {
    if (process.env.STRDIST_EXPECT_NATIVE === '1') {
      expect(addon, 'STRDIST_EXPECT_NATIVE=1 but the native addon did not load').toBeDefined();
    }
    if (addon) {
      expect(backendNames).toEqual(['native', 'js']);
      expect(addon.addon.levenshtein('kitten', 'sitting')).toBe(3);
    } else {
      expect(backendNames).toEqual(['js']);
      assertNativeAbsenceIsLegitimate();
    }
  });

  it('every listed backend computes', () => {
    expect(backends.map(([name]) => name)).toEqual(backendNames);
    for (const k of kernels) expect(k.levenshtein('kitten', 'sitting', -1), k.name).toBe(3);
    for (const [name, m] of backends) expect(m.jaro('MARTHA', 'MARHTA'), name).toBe(0.9444444444444445);
  });
});
