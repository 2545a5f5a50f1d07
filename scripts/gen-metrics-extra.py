#!/usr/bin/env python3
"""Oracle vectors for the metrics of issue 12, from RapidFuzz (an independent implementation).

    python3 scripts/gen-metrics-extra.py > test/fixtures/metrics-extra.jsonl

Not run by CI (RapidFuzz is optional on CI machines): its output is committed. The pairs are
those of test/fixtures/metrics.jsonl (empty, ASCII, Latin-1, CJK, astral, lone surrogates,
long strings) plus pairs built around transpositions and a seeded random sample, every 8th of
the fixture's pairs to keep the file small. Written with RapidFuzz 3.14.6.
"""
import json
import os
import random
import sys

try:
    import rapidfuzz
    from rapidfuzz.distance import OSA, DamerauLevenshtein, Hamming, Indel, LCSseq, Levenshtein
except ImportError:
    print("rapidfuzz: absent; nothing generated", file=sys.stderr)
    sys.exit(0)

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
base = [json.loads(line) for line in open(os.path.join(root, "test/fixtures/metrics.jsonl"), encoding="utf-8")]
pairs = [(x["a"], x["b"]) for i, x in enumerate(base) if i % 8 == 0 or len(x["a"]) + len(x["b"]) < 6]

pairs += [
    ("ca", "abc"), ("abc", "ca"), ("ab", "ba"), ("abcdef", "badcfe"), ("kitten", "sitting"),
    ("a cat", "an act"), ("AB", "BA"), ("😀😁", "😁😀"), ("水火", "火水"), ("abcd", "acbd"),
    ("", "abc"), ("abc", ""), ("", ""), ("hello world", "hlelo wrold"),
]
rng = random.Random(20261201)
alphabets = ["ab", "abc", "abcdefgh", "😀😁😂🤣", "水火木金土", "aé😀水"]
for _ in range(400):
    alpha = rng.choice(alphabets)
    n = rng.choice([0, 1, 3, 8, 20, 40, 63, 64, 65, 100, 130, 200])
    a = "".join(rng.choice(alpha) for _ in range(n))
    chars = list(a)
    for _ in range(rng.randint(0, 6)):
        op = rng.randint(0, 3)
        i = rng.randint(0, max(0, len(chars) - 1))
        if op == 0:
            chars.insert(i, rng.choice(alpha))
        elif op == 1 and chars:
            del chars[i]
        elif op == 2 and chars:
            chars[i] = rng.choice(alpha)
        elif len(chars) > 1:
            i = min(i, len(chars) - 2)
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
    pairs.append((a, "".join(chars)))

WEIGHTS = [(1, 1, 2), (2, 2, 1), (1, 3, 2), (3, 1, 5), (0, 0, 1), (2, 2, 2), (1, 1, 0)]

for a, b in pairs:
    row = {
        "a": a,
        "b": b,
        "indel": Indel.distance(a, b),
        "ratio": Indel.normalized_similarity(a, b),
        "lcs": LCSseq.similarity(a, b),
        "hamming": Hamming.distance(a, b, pad=True),
        "hammingSimilarity": Hamming.normalized_similarity(a, b, pad=True),
        "osa": OSA.distance(a, b),
        "osaSimilarity": OSA.normalized_similarity(a, b),
        "damerauLevenshtein": DamerauLevenshtein.distance(a, b),
        "damerauLevenshteinSimilarity": DamerauLevenshtein.normalized_similarity(a, b),
        "weighted": [[*w, Levenshtein.distance(a, b, weights=w)] for w in WEIGHTS],
    }
    print(json.dumps(row, ensure_ascii=True))
print(f"{len(pairs)} pairs, rapidfuzz {rapidfuzz.__version__}", file=sys.stderr)
