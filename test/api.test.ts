import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as strdist from '../src/index.js';
import { selectBackend } from '../src/backend/index.js';
import { addon, assertNativeAbsenceIsLegitimate } from './helpers/backends.js';

// The backend of this run: js when forced or when this install has no addon.
const wanted = process.env.STRDIST_BACKEND === 'js' || !addon ? 'js' : 'native';

describe('public API', () => {
  it(`uses the ${wanted} backend here`, () => {
    expect(strdist.backend).toBe(wanted);
    expect(strdist.capability().backend).toBe(wanted);
  });

  it('answers the README examples', () => {
    expect(strdist.levenshtein('kitten', 'sitting')).toBe(3);
    expect(strdist.jaro('MARTHA', 'MARHTA')).toBe(0.9444444444444445);
    expect(strdist.jaroWinkler('MARTHA', 'MARHTA')).toBe(0.9611111111111111);
    expect(strdist.levenshteinSimilarity('kitten', 'sitting')).toBe(1 - 3 / 7);
    expect(strdist.levenshtein('kitten', 'sitting', { maxDistance: 1 })).toBe(2);
    expect(strdist.jaro('kitten', 'sitting', { minSimilarity: 0.8 })).toBe(0);
    expect(Array.from(strdist.scoreMany('levenshtein', 'bagel', ['bagel', 'bagels', 'barge']))).toEqual([0, 1, 2]);
  });

  it('counts code points, not UTF-16 units', () => {
    expect(strdist.levenshtein('😀', '😃')).toBe(1);
    expect(strdist.levenshtein('😀😀', '😀')).toBe(1);
    expect(strdist.levenshtein('\ud800', '\udc00')).toBe(1); // two lone surrogates differ
    expect(strdist.levenshtein('\ud800\udc00', '\ud800')).toBe(1); // a pair is one unit
  });

  it('a cutoff never changes a result that passes it, and the cutoff itself passes', () => {
    const d = strdist.levenshtein('kitten', 'sitting');
    expect(strdist.levenshtein('kitten', 'sitting', { maxDistance: d })).toBe(d);
    const j = strdist.jaro('DWAYNE', 'DUANE');
    expect(strdist.jaro('DWAYNE', 'DUANE', { minSimilarity: j })).toBe(j);
    const jw = strdist.jaroWinkler('DWAYNE', 'DUANE');
    expect(strdist.jaroWinkler('DWAYNE', 'DUANE', { minSimilarity: jw })).toBe(jw);
  });

  it('describes its capability', () => {
    const cap = strdist.capability();
    expect(cap.package).toBe('strdist');
    expect(cap.kernelVersion).toBe(strdist.KERNEL_VERSION);
    expect(cap.platform).toBe(process.platform);
    expect(cap.arch).toBe(process.arch);
    expect(cap.threads).toBeGreaterThan(0);
    if (cap.backend === 'native') {
      expect(cap.binary?.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(existsSync(cap.binary!.path)).toBe(true);
      expect(cap.napiVersion).toBeGreaterThan(0);
      expect(cap.nativeUnavailable).toBeUndefined();
      if (process.env.PREBUILDS_ONLY) expect(cap.binary!.path).toContain(`${sep}prebuilds${sep}`);
    } else {
      expect(cap.binary).toBeNull();
      if (addon) expect(cap.nativeUnavailable).toMatch(/STRDIST_BACKEND=js/);
      else assertNativeAbsenceIsLegitimate();
    }
  });
});

describe('backend selection', () => {
  it('STRDIST_BACKEND=js forces the fallback', () => {
    expect(selectBackend('js').kernel.name).toBe('js');
  });
  if (addon) {
    it('STRDIST_BACKEND=native and auto load the binary', () => {
      expect(selectBackend('native').kernel.name).toBe('native');
      expect(selectBackend('auto').kernel.name).toBe('native');
      expect(selectBackend(undefined).kernel.name).toBe(wanted); // STRDIST_BACKEND of this run
    });
  } else {
    it('without the addon, STRDIST_BACKEND=native fails loudly and auto falls back with the reason', () => {
      assertNativeAbsenceIsLegitimate();
      expect(() => selectBackend('native')).toThrow(
        expect.objectContaining({
          code: 'ERR_STRDIST_NATIVE_UNAVAILABLE',
          message: expect.stringMatching(/^strdist: STRDIST_BACKEND=native but the native binary cannot load: No native build was found/),
        }),
      );
      const auto = selectBackend('auto');
      expect(auto.kernel.name).toBe('js');
      expect(auto.reason).toMatch(/npm rebuild strdist/);
      expect(selectBackend(undefined).kernel.name).toBe('js');
    });
  }
  it('an unknown STRDIST_BACKEND is a clear error', () => {
    expect(() => selectBackend('fast')).toThrow(/STRDIST_BACKEND must be "native", "js" or "auto", got "fast"/);
  });
});
