#!/usr/bin/env python3
"""Generates test/fixtures/processors.json: what Python's str.casefold,
unicodedata.normalize('NFKC') and RapidFuzz's utils.default_process make of each code point,
on the code points whose general category is the same in this Python's Unicode data and in
Node's ICU (so the two sides read the same Unicode data). Run by hand, not by CI:

    python3 scripts/unicode/gen-processor-fixture.py > test/fixtures/processors.json

Code points outside that set, and (for default_process) the ones RapidFuzz's own Unicode table
classifies differently from this Python (its table predates Unicode 14), are left out and
counted in the fixture's "excluded" fields.
"""
import json
import subprocess
import sys
import unicodedata

from rapidfuzz.utils import default_process

NODE = r"""
const cats = ['Lu','Ll','Lt','Lm','Lo','Mn','Mc','Me','Nd','Nl','No','Pc','Pd','Ps','Pe','Pi','Pf','Po',
  'Sm','Sc','Sk','So','Zs','Zl','Zp','Cc','Cf','Cs','Co','Cn'];
const res = cats.map((c) => new RegExp(`^\\p{gc=${c}}$`, 'u'));
const out = [];
for (let cp = 0; cp < 0x110000; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) { out.push('Cs'); continue; }
  const s = String.fromCodePoint(cp);
  let k = 0;
  while (k < cats.length - 1 && !res[k].test(s)) k++;
  out.push(cats[k]);
}
process.stdout.write(out.join(','));
"""
node_cats = subprocess.run(['node', '-e', NODE], capture_output=True, text=True, check=True).stdout.split(',')


def ranges(cps):
    out = []
    for cp in cps:
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


tested = []
casefold = {}
nfkc = {}
dp_tested = []
dp_changed = {}
dp_blank = []
excluded = 0
dp_excluded = 0
for cp in range(0x110000):
    if 0xD800 <= cp <= 0xDFFF:
        continue
    c = chr(cp)
    cat = unicodedata.category(c)
    if cat in ('Cn', 'Co') or cat != node_cats[cp]:
        excluded += 1
        continue
    tested.append(cp)
    if c.casefold() != c:
        casefold[cp] = c.casefold()
    n = unicodedata.normalize('NFKC', c)
    if n != c:
        nfkc[cp] = n
    d = default_process(c)
    alnum = cat[0] in 'LN'
    if (d != '') != alnum:
        dp_excluded += 1
        continue
    dp_tested.append(cp)
    if d == '':
        dp_blank.append(cp)
    elif d != c:
        dp_changed[cp] = d

json.dump({
    'source': 'scripts/unicode/gen-processor-fixture.py',
    'python': sys.version.split()[0],
    'unicode': unicodedata.unidata_version,
    'excluded': excluded,
    'defaultExcluded': dp_excluded,
    'tested': ranges(tested),
    'casefold': casefold,
    'nfkc': nfkc,
    'defaultTested': ranges(dp_tested),
    'default': dp_changed,
    'defaultBlank': ranges(dp_blank),
    'strings': [
        [s, s.casefold(), unicodedata.normalize('NFKC', s), unicodedata.normalize('NFKC', s).casefold(), default_process(s)]
        for s in ['Straße', 'İstanbul', 'ΣΑΣ ΟΔΟΣ', '  Hello, World!  ', 'ﬁne ﬂour', 'Ⅻ ½ ²', 'ǅungla', '𐐀𐐨 wide',
                  '__a_b__', 'MAẞE', 'ﬀ', 'Ǆ', '', ' ', '-', 'ᾳ ῼ', 'Ꭰꭰ']
    ],
}, sys.stdout, ensure_ascii=False, separators=(',', ':'))
sys.stdout.write('\n')
