// issue 12: standalone differential test of the added kernels (lcs.hpp, osa.hpp, damerau.hpp,
// hamming.hpp, weighted.hpp and their cached scorers) against naive dynamic programming, on
// random code-point sequences over small and large alphabets (the hashed pattern layout
// included) and lengths across the 64-bit word boundaries. Run by native/test/run.sh, also
// under AddressSanitizer and UndefinedBehaviorSanitizer (npm run test:sanitize).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <vector>

#include "../damerau.hpp"
#include "../hamming.hpp"
#include "../lcs.hpp"
#include "../osa.hpp"
#include "../weighted.hpp"
#include "reference_extra.hpp"

using Seq = std::vector<uint32_t>;
using namespace strdist_test_extra;

static uint64_t g_passed = 0, g_failed = 0;

static void check(const char* what, uint64_t got, uint64_t want, const Seq& a, const Seq& b) {
  if (got == want) {
    ++g_passed;
    return;
  }
  if (++g_failed <= 20) {
    std::fprintf(stderr, "FAIL %s: got %llu, want %llu (|a| = %zu, |b| = %zu)\n", what, (unsigned long long)got,
                 (unsigned long long)want, a.size(), b.size());
  }
}

struct Rng {
  uint64_t s;
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
};

static uint32_t code_point(Rng& rng, int alphabet) {
  switch (alphabet) {
    case 0: return 'a' + rng.below(3);
    case 1: return 0x20 + rng.below(95);
    case 2: return 0x4e00 + rng.below(64);
    case 3: return 0x1f600 + rng.below(64);
    default: return static_cast<uint32_t>(rng.below(0x110000));  // many distinct large ones
  }
}

static Seq random_seq(Rng& rng, size_t n, int alphabet) {
  Seq s(n);
  for (auto& c : s) c = code_point(rng, alphabet);
  return s;
}

// b from a by a few random edits, adjacent swaps included.
static Seq related(Rng& rng, Seq b, int alphabet) {
  const size_t edits = rng.below(8);
  for (size_t e = 0; e < edits; ++e) {
    const size_t op = rng.below(4);
    const size_t i = b.empty() ? 0 : rng.below(b.size());
    if (op == 0) b.insert(b.begin() + static_cast<long>(i), code_point(rng, alphabet));
    else if (op == 1 && !b.empty()) b.erase(b.begin() + static_cast<long>(i));
    else if (op == 2 && !b.empty()) b[i] = code_point(rng, alphabet);
    else if (b.size() > 1) std::swap(b[std::min(i, b.size() - 2)], b[std::min(i, b.size() - 2) + 1]);
  }
  return b;
}

static void check_pair(Rng& rng, const Seq& a, const Seq& b) {
  const size_t lcs = ref_lcs(a, b), osa = ref_osa(a, b), dl = ref_damerau(a, b);
  const size_t indel = a.size() + b.size() - 2 * lcs;
  const size_t max = rng.below(12);
  auto cut = [&](uint64_t d) { return d <= max ? d : max + 1; };
  check("lcs", strdist::longest_common_subsequence(a.data(), a.size(), b.data(), b.size()), lcs, a, b);
  check("indel", strdist::indel(a.data(), a.size(), b.data(), b.size()), indel, a, b);
  check("indel max", strdist::indel(a.data(), a.size(), b.data(), b.size(), max), cut(indel), a, b);
  check("osa", strdist::osa(a.data(), a.size(), b.data(), b.size()), osa, a, b);
  check("osa max", strdist::osa(a.data(), a.size(), b.data(), b.size(), max), cut(osa), a, b);
  check("damerau", strdist::damerau_levenshtein(a.data(), a.size(), b.data(), b.size()), dl, a, b);
  check("damerau max", strdist::damerau_levenshtein(a.data(), a.size(), b.data(), b.size(), max), cut(dl), a, b);
  size_t ham = std::max(a.size(), b.size()) - std::min(a.size(), b.size());
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) ham += a[i] != b[i];
  check("hamming", strdist::hamming(a.data(), a.size(), b.data(), b.size()), ham, a, b);
  const strdist::CachedLcs clcs(a.data(), a.size());
  check("cached lcs", clcs.lcs(b.data(), b.size()), lcs, a, b);
  check("cached indel max", clcs.indel(b.data(), b.size(), max), cut(indel), a, b);
  const strdist::CachedOsa cosa(a.data(), a.size());
  check("cached osa max", cosa.distance(b.data(), b.size(), max), cut(osa), a, b);
  const uint64_t w[][3] = {{1, 1, 1}, {2, 2, 2}, {1, 1, 2}, {3, 3, 9}, {0, 0, 1}, {1, 3, 2}, {4, 1, 0}};
  for (const auto& x : w) {
    const uint64_t want = ref_weighted(a, b, x[0], x[1], x[2]);
    check("weighted", strdist::weighted_levenshtein(a.data(), a.size(), b.data(), b.size(), x[0], x[1], x[2]), want, a, b);
    check("weighted max",
          strdist::weighted_levenshtein(a.data(), a.size(), b.data(), b.size(), x[0], x[1], x[2], max),
          cut(want), a, b);
  }
}

int main(int argc, char** argv) {
  const uint64_t pairs = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 4000;
  Rng rng{argc > 2 ? std::strtoull(argv[2], nullptr, 10) | 1 : 0x9e3779b97f4a7c15ull};
  static const size_t lengths[] = {0, 1, 2, 5, 20, 63, 64, 65, 100, 127, 128, 129, 200, 300};
  for (uint64_t p = 0; p < pairs; ++p) {
    const int alphabet = static_cast<int>(rng.below(5));
    const size_t n = p % 4 == 0 ? lengths[rng.below(14)] : rng.below(40);
    const Seq a = random_seq(rng, n, alphabet);
    const Seq b = rng.below(2) ? related(rng, a, alphabet) : random_seq(rng, rng.below(n + 10), alphabet);
    check_pair(rng, a, b);
    check_pair(rng, b, a);
  }
  std::printf("metrics_extra_test: %llu checks passed, %llu failed\n", (unsigned long long)g_passed,
              (unsigned long long)g_failed);
  return g_failed == 0 ? 0 : 1;
}
