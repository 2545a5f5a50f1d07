// Differential test of the multi-string lane kernels (multi_levenshtein.hpp, multi_jaro.hpp): every ISA path
// this machine can run (scalar, the portable lane loop, AVX2, AVX-512BW) against the scalar
// kernel (CachedLevenshtein) and the naive reference, over choice sets whose lengths straddle
// the lane classes (0, 1..8, 9..16, 17..32, 33..64, over 64) and alphabets from a tiny one to
// astral code points, including batches where one code point repeats and long queries.
// Jaro and Jaro-Winkler (with and without cutoffs) on every path against the scalar kernels
// (jaro.hpp, bit for bit) and the naive reference (to rounding).
//
//   simd_test [sets] [seed]
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>
#include <utility>
#include <string>
#include <vector>

#include "../multi_jaro.hpp"
#include "../multi_levenshtein.hpp"
#include "reference.hpp"

using strdist::CachedLevenshtein;
using strdist::PackedChoices;
using strdist::SimdPath;
using Seq = std::vector<uint32_t>;

namespace {

struct Rng {
  uint64_t state;
  uint64_t next() {  // splitmix64
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }
};

uint64_t failures = 0, checks = 0;

void check_results(uint64_t set, const char* path, const char* route, const std::vector<Seq>& choices, const Seq& query,
                   size_t max, const std::vector<double>& got_d, const std::vector<double>& got_s,
                   const std::vector<double>& want_d, const std::vector<double>& want_s);

uint32_t code_point(Rng& r, int alphabet) {
  switch (alphabet) {
    case 0: return 'a' + static_cast<uint32_t>(r.below(3));
    case 1: return 'a' + static_cast<uint32_t>(r.below(26));
    case 2: return static_cast<uint32_t>(r.below(256));
    case 3: return r.below(2) ? 'a' + static_cast<uint32_t>(r.below(4)) : 0x4E00 + static_cast<uint32_t>(r.below(6));
    default: return r.below(3) == 0 ? 0x1F600 + static_cast<uint32_t>(r.below(8)) : 'a' + static_cast<uint32_t>(r.below(8));
  }
}

// Lengths around every class edge.
size_t choice_length(Rng& r) {
  static const size_t edges[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100};
  if (r.below(2)) return edges[r.below(sizeof edges / sizeof edges[0])];
  return r.below(r.below(4) == 0 ? 90 : 20);
}

Seq random_seq(Rng& r, size_t n, int alphabet) {
  Seq s(n);
  for (auto& c : s) c = code_point(r, alphabet);
  return s;
}

// A copy with a few random edits, so distances are small as well as large.
Seq related(Rng& r, const Seq& a, int alphabet) {
  Seq s = a;
  const size_t edits = r.below(4);
  for (size_t e = 0; e < edits; ++e) {
    const uint64_t op = r.below(3);
    if (op == 0 && !s.empty()) s[r.below(s.size())] = code_point(r, alphabet);
    else if (op == 1 && !s.empty()) s.erase(s.begin() + static_cast<long>(r.below(s.size())));
    else s.insert(s.begin() + static_cast<long>(r.below(s.size() + 1)), code_point(r, alphabet));
  }
  return s;
}

void check_jaro(Rng& r, uint64_t set, const std::vector<Seq>& choices, const Seq& query, const PackedChoices& packed);

void check_set(Rng& r, uint64_t set) {
  const int alphabet = static_cast<int>(r.below(5));
  const size_t count = r.below(4) == 0 ? r.below(8) : 1 + r.below(300);
  // Queries over 255 code points now and then: the lane kernels' distances outgrow 8-bit lanes.
  Seq query = random_seq(r, r.below(6) == 0 ? r.below(r.below(4) == 0 ? 320 : 200) : r.below(24), alphabet);
  // Now and then a query of more distinct code points than a one-shot batch makes vectors for
  // (BatchBuilder::kMaxAlphabet): the one-shot route then packs every code point (build()).
  if (r.below(50) == 0) {
    for (uint32_t k = 0; k < 520; ++k) query.push_back(0x2000 + 3 * k);
    std::shuffle(query.begin(), query.end(), std::mt19937(static_cast<unsigned>(set)));
  }
  std::vector<Seq> choices(count);
  Seq points;
  std::vector<uint32_t> lengths, units;
  for (auto& c : choices) {
    c = r.below(3) == 0 ? related(r, query, alphabet) : random_seq(r, choice_length(r), alphabet);
    if (c.size() > 64 && r.below(2)) c.resize(r.below(65));
    points.insert(points.end(), c.begin(), c.end());
    lengths.push_back(static_cast<uint32_t>(c.size()));
    units.push_back(static_cast<uint32_t>(c.size()));
  }
  const PackedChoices fresh(points.data(), lengths.data(), units.data(), count);
  // Every other set is scored through a packing repacked in the memory of the sets before it
  // (PackedChoices::repack: scoreMatrix of an array reuses the last one-shot packing's memory).
  static PackedChoices reused(nullptr, nullptr, nullptr, 0);
  const bool repacked = set % 2 == 1;
  if (repacked) reused.repack(Seq(points), lengths.data(), units.data(), count);
  const PackedChoices& packed = repacked ? reused : fresh;
  const CachedLevenshtein scorer(query.data(), query.size());
  const size_t max = r.below(3) == 0 ? SIZE_MAX : r.below(8);

  std::vector<double> want_d(count), want_s(count);
  for (size_t i = 0; i < count; ++i) {
    const size_t d = strdist_test::naive_levenshtein(query, choices[i]);
    want_d[i] = static_cast<double>(d <= max ? d : max + 1);
    want_s[i] = scorer.similarity(choices[i].data(), choices[i].size());
    const double scalar_d = static_cast<double>(scorer.distance(choices[i].data(), choices[i].size(), max));
    ++checks;
    if (scalar_d != want_d[i]) {
      ++failures;
      std::fprintf(stderr, "set %" PRIu64 ": scalar kernel %g, naive %g (choice %zu)\n", set, scalar_d, want_d[i], i);
    }
  }

  // Path 3 here means: the lane layout through the portable loop (run_lanes with no ISA).
  const SimdPath paths[] = {SimdPath::Scalar, SimdPath::Avx2, SimdPath::Avx512, static_cast<SimdPath>(3)};
  for (SimdPath p : paths) {
    const bool portable = static_cast<int>(p) == 3;
    if (!portable && !strdist::simd_path_supported(p)) continue;
    std::vector<double> got_d(count, -1), got_s(count, -1);
    std::vector<uint32_t> dist;
    const size_t lanes = 1 + r.below(300);  // unit sizes vary, so units start mid-class
    for (const auto& u : packed.units(portable ? SimdPath::Avx2 : p, lanes)) {
      packed.levenshtein(scorer, u, p, max, false, got_d.data(), dist);
      packed.levenshtein(scorer, u, p, max, true, got_s.data(), dist);
    }
    check_results(set, portable ? "portable" : strdist::simd_path_name(p), repacked ? "repacked" : "packed", choices, query,
                  max, got_d, got_s, want_d, want_s);
    // The one-shot route (levenshtein_lanes_once): batches packed as they come, in scratch.
    if (portable) continue;
    auto get = [&](size_t i) { return std::make_pair(choices[i].data(), choices[i].size()); };
    std::fill(got_d.begin(), got_d.end(), -1);
    std::fill(got_s.begin(), got_s.end(), -1);
    strdist::levenshtein_lanes_once(scorer, p, max, false, count, get, got_d.data());
    strdist::levenshtein_lanes_once(scorer, p, max, true, count, get, got_s.data());
    check_results(set, strdist::simd_path_name(p), "once", choices, query, max, got_d, got_s, want_d, want_s);
  }
  check_jaro(r, set, choices, query, packed);
}

void jaro_mismatch(uint64_t set, const char* path, const char* route, const char* metric, size_t i, const Seq& choice,
                   const Seq& query, double min, double got, double want) {
  ++failures;
  std::fprintf(stderr, "set %" PRIu64 " path %s (%s) %s: choice %zu (%zu code points, query %zu, min %g): got %.17g, want %.17g\n",
               set, path, route, metric, i, choice.size(), query.size(), min, got, want);
  if (failures > 20) std::exit(1);
}

// Jaro and Jaro-Winkler through the lanes: packed (QueryScorer, units of varying size) and
// one-shot (jaro_lanes_once), on every path, against the scalar kernels bit for bit; the
// scalar kernels against the naive reference.
void check_jaro(Rng& r, uint64_t set, const std::vector<Seq>& choices, const Seq& query, const PackedChoices& packed) {
  const size_t count = choices.size();
  static const double mins[] = {0.0, 0.0, 0.5, 0.7, 0.8, 0.9, 1.0};
  const double min = mins[r.below(sizeof mins / sizeof mins[0])];
  const double pw = r.below(2) ? 0.1 : 0.25 * static_cast<double>(r.below(5)) / 4.0;
  std::vector<double> want_j(count), want_w(count);
  for (size_t i = 0; i < count; ++i) {
    const Seq& c = choices[i];
    want_j[i] = strdist::jaro(query.data(), query.size(), c.data(), c.size(), min);
    want_w[i] = strdist::jaro_winkler(query.data(), query.size(), c.data(), c.size(), pw, min);
    const double naive_j = strdist_test::naive_jaro(query, c), naive_w = strdist_test::naive_jaro_winkler(query, c, pw);
    ++checks;
    // The naive reference has its own order of operations: equal to rounding, and the cutoff
    // decided the same way away from it.
    const double full_j = strdist::jaro(query.data(), query.size(), c.data(), c.size());
    const double full_w = strdist::jaro_winkler(query.data(), query.size(), c.data(), c.size(), pw);
    if (std::abs(full_j - naive_j) > 1e-12 || std::abs(full_w - naive_w) > 1e-12)
      jaro_mismatch(set, "scalar", "naive", "jaro/jw", i, c, query, 0, full_j, naive_j);
  }
  const SimdPath paths[] = {SimdPath::Scalar, SimdPath::Avx2, SimdPath::Avx512, static_cast<SimdPath>(3)};
  for (SimdPath p : paths) {
    const bool portable = static_cast<int>(p) == 3;
    if (!portable && !strdist::simd_path_supported(p)) continue;
    const char* name = portable ? "portable" : strdist::simd_path_name(p);
    for (int metric = 2; metric <= 3; ++metric) {
      const std::vector<double>& want = metric == 2 ? want_j : want_w;
      const char* mname = metric == 2 ? "jaro" : "jaroWinkler";
      std::vector<double> got(count, -1);
      strdist::QueryScorer scorer(metric, query.data(), query.size(), pw, SIZE_MAX, min);
      const size_t lanes = 1 + r.below(300);
      // The portable lanes run where a SIMD path would (Scalar units are index order).
      for (const auto& u : scorer.units(packed, portable ? SimdPath::Avx2 : p, lanes)) scorer.run(packed, u, p, got.data());
      for (size_t i = 0; i < count; ++i) {
        ++checks;
        if (!(got[i] == want[i])) jaro_mismatch(set, name, "packed", mname, i, choices[i], query, min, got[i], want[i]);
      }
      if (p == SimdPath::Scalar) continue;
      std::fill(got.begin(), got.end(), -1);
      auto get = [&](size_t i) { return std::make_pair(choices[i].data(), choices[i].size()); };
      strdist::jaro_lanes_once(query.data(), query.size(), p, metric == 3, pw, min, count, get, got.data());
      for (size_t i = 0; i < count; ++i) {
        ++checks;
        if (!(got[i] == want[i])) jaro_mismatch(set, name, "once", mname, i, choices[i], query, min, got[i], want[i]);
      }
    }
  }
}

void check_results(uint64_t set, const char* path, const char* route, const std::vector<Seq>& choices, const Seq& query,
                   size_t max, const std::vector<double>& got_d, const std::vector<double>& got_s,
                   const std::vector<double>& want_d, const std::vector<double>& want_s) {
    for (size_t i = 0; i < choices.size(); ++i) {
      ++checks;
      if (got_d[i] != want_d[i] || got_s[i] != want_s[i]) {
        ++failures;
        std::fprintf(stderr, "set %" PRIu64 " path %s (%s): choice %zu (%zu code points, query %zu, max %zu): got %g/%.17g, want %g/%.17g\n",
                     set, path, route, i, choices[i].size(), query.size(), max, got_d[i], got_s[i], want_d[i], want_s[i]);
        if (failures > 20) std::exit(1);
      }
    }
}

// The ISA compares that make a one-shot batch's match vectors (lane_match_vectors) against the
// portable loop, on cells of a small alphabet with pads and on every count of points up to 40.
void check_match_vectors(Rng& r) {
  alignas(64) uint32_t cells[512];
  strdist::detail::LaneVector want[40], got[40];
  for (int round = 0; round < 200; ++round) {
    for (auto& c : cells) c = r.below(5) == 0 ? 0xFFFFFFFFu : code_point(r, static_cast<int>(r.below(5)));
    uint32_t points[40];
    const size_t m = r.below(41);
    for (size_t j = 0; j < m; ++j) points[j] = r.below(8) == 0 ? 0x10FFFF : code_point(r, static_cast<int>(r.below(5)));
    strdist::detail::lane_match_vectors_portable(cells, points, m, want);
    for (SimdPath p : {SimdPath::Avx2, SimdPath::Avx512}) {
      if (!strdist::simd_path_supported(p)) continue;
      strdist::detail::lane_match_vectors(p, cells, points, m, got);
      ++checks;
      for (size_t j = 0; j < m; ++j) {
        if (std::memcmp(got[j].bytes, want[j].bytes, 64) != 0) {
          ++failures;
          std::fprintf(stderr, "match vectors round %d path %s: point %zu of %zu differs\n", round, strdist::simd_path_name(p), j, m);
          break;
        }
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t sets = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1500;
  const uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 11;
  Rng r{seed};
  std::printf("simd test: paths");
  for (SimdPath p : {SimdPath::Scalar, SimdPath::Avx2, SimdPath::Avx512})
    if (strdist::simd_path_supported(p)) std::printf(" %s", strdist::simd_path_name(p));
  std::printf(" + portable lanes; default %s\n", strdist::simd_path_name(strdist::simd_path()));
  for (uint64_t s = 0; s < sets; ++s) check_set(r, s);
  check_match_vectors(r);
  std::printf("simd test: %" PRIu64 " checks over %" PRIu64 " choice sets, %" PRIu64 " failures\n", checks, sets, failures);
  return failures ? 1 : 0;
}
