// strdist — Jaro and Jaro-Winkler of many short strings against one query, in SIMD lanes.
//
// The choices sit in the lane batches of multi_levenshtein.hpp (PackedChoices, or a batch
// packed on the fly by BatchBuilder): one choice per lane as the *pattern*, 8/16/32/64 bits
// wide by its length class, and the query is the *text*, one code point per step for every
// lane at once. The kernel (multi_jaro_simd.hpp, compiled per ISA by multi_jaro_avx2.cc and
// multi_jaro_avx512.cc) gives each lane's match count m and raw transposition count; the
// score is then formed here exactly as the scalar kernel forms it (jaro_score), so every path
// is bit-identical to jaro.hpp.
//
// Per lane l, with B_l = jaro_window(len_l, n), the greedy matching of jaro_word, lane-wise:
//   pass 1, for j = 0 .. t_end-1:
//     cand  = PM[t_j] & window & ~P       window: pattern positions j - B_l .. j + B_l
//     low   = cand & -cand                the earliest free equal position (or 0)
//     P    |= low;  steps[j] = low        steps[j] != 0 in a lane: text position j matched
//     window = (window << 1) | (j < B_l)  it grows to 2 B_l + 1 bits, then slides
//   pass 2, pairing the k-th matched text position with the k-th matched pattern position:
//     for j with steps[j] != 0 in a lane: pbit = lowest bit still in P; a transposition when
//     t_j differs from the pattern there, i.e. when PM[t_j] & pbit == 0; clear pbit.
// Both passes are lane-parallel (no per-lane loop over matches). The window starts as the low
// B_l + 1 bits. When n >= W every lane has B = floor(n / 2) - 1 (its length is at most W), so
// (j < B) is one scalar test; otherwise B_l < W / 2 and j < n < W, small enough for a signed
// lane compare at any width.
//
// Matching the choice as the pattern gives the scalar kernel's m and t although the scalar
// kernel makes the shorter string the pattern: the greedy matching has the same m and t
// either way (jaro.hpp). The common prefix shortcut of jaro_word is a shortcut of the same
// matching. The differential tests (native/test/simd_test.cc, test/simd.test.ts) check both.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "jaro.hpp"
#include "multi_levenshtein.hpp"

namespace strdist {
namespace detail {

// Defined in multi_jaro_avx2.cc / multi_jaro_avx512.cc: for batches [b0, b1) of class cls,
// each used lane's matches and raw transpositions (before halving) against the text t (n code
// points), into matches / trans [lane_at + lane - base], base being the lane_at of batch b0.
// steps: scratch of at least n vectors.
void lanes_jaro_avx2(const PackedChoicesView& v, int cls, size_t b0, size_t b1, const uint32_t* t, size_t n,
                     LaneVector* steps, uint8_t* matches, uint8_t* trans);
void lanes_jaro_avx512(const PackedChoicesView& v, int cls, size_t b0, size_t b1, const uint32_t* t, size_t n,
                       LaneVector* steps, uint8_t* matches, uint8_t* trans);

inline void set_lane(uint64_t* words, unsigned W, size_t l, uint64_t value) {
  const size_t bit = l * W;
  words[bit / 64] |= value << (bit % 64);
}

// The per-batch constants of the kernel: the starting window of every lane (low B_l + 1
// bits, within the lane), B_l itself when the bounds differ between lanes (n < W), else
// *uniform = the common bound; returns the text positions any lane can see (t_end).
inline size_t jaro_batch_setup(const LaneBatch& b, unsigned W, const uint8_t* lane_len, size_t n, uint64_t* window,
                               uint64_t* bound, size_t* uniform) {
  std::memset(window, 0, 64);
  std::memset(bound, 0, 64);
  if (n >= W) {
    // One bound for every lane: the same starting window everywhere (lanes not in use have
    // no match bits), and t_end with the class's longest length.
    const size_t B = jaro_window(n, n);
    const uint64_t lane = B + 1 >= W ? (W == 64 ? ~uint64_t(0) : (uint64_t(1) << W) - 1) : (uint64_t(1) << (B + 1)) - 1;
    uint64_t word = 0;
    for (unsigned at = 0; at < 64; at += W) word |= lane << at;
    for (int w = 0; w < 8; ++w) window[w] = word;
    *uniform = B;
    return std::min(n, W + B);
  }
  size_t longest = 0;
  for (uint32_t l = 0; l < b.lanes; ++l) {
    const size_t len = lane_len[b.lane_at + l];
    const size_t B = jaro_window(len, n);
    set_lane(window, W, l, (uint64_t(1) << (B + 1)) - 1);  // B + 1 <= W / 2 here
    set_lane(bound, W, l, B);
    longest = std::max(longest, len);
  }
  *uniform = SIZE_MAX;
  // Text positions j >= len + B see no pattern position; B grows with len.
  return std::min(n, longest + jaro_window(longest, n));
}

// Lane l's matches and transpositions out of the final P and T vectors (8 words each).
inline void jaro_lanes_finish(const LaneBatch& b, unsigned W, const uint64_t* P, const uint64_t* T, uint8_t* matches,
                              uint8_t* trans, size_t base) {
  for (uint32_t l = 0; l < b.lanes; ++l) {
    matches[b.lane_at - base + l] = static_cast<uint8_t>(popcount64(lane_value(P, W, l)));
    trans[b.lane_at - base + l] = static_cast<uint8_t>(lane_value(T, W, l));
  }
}

// The same two passes lane by lane in plain 64-bit arithmetic: the reference of the ISA
// kernels for the lane layout, and the lane path of builds without them.
inline void lanes_jaro_portable(const PackedChoicesView& v, int cls, size_t b0, size_t b1, const uint32_t* t, size_t n,
                                LaneVector* steps, uint8_t* matches, uint8_t* trans) {
  if (b0 >= b1) return;
  const unsigned W = kLaneBits[cls];
  const uint64_t lane_mask = W == 64 ? ~uint64_t(0) : (uint64_t(1) << W) - 1;
  const size_t base = v.batches[cls][b0].lane_at;
  uint64_t* low = reinterpret_cast<uint64_t*>(steps);  // one word per step here
  for (size_t bi = b0; bi < b1; ++bi) {
    const LaneBatch& b = v.batches[cls][bi];
    uint64_t window[8], bound[8];
    size_t uniform;
    const size_t t_end = jaro_batch_setup(b, W, v.lane_len, n, window, bound, &uniform);
    for (uint32_t l = 0; l < b.lanes; ++l) {
      uint64_t win = lane_value(window, W, l), P = 0;
      const size_t B = uniform != SIZE_MAX ? uniform : lane_value(bound, W, l);
      for (size_t j = 0; j < t_end; ++j) {
        uint64_t words[8];
        std::memcpy(words, batch_vector(b, t[j]).bytes, 64);
        const uint64_t cand = lane_value(words, W, l) & win & ~P;
        low[j] = cand & (0 - cand);
        P |= low[j];
        win = ((win << 1) | (j < B ? 1 : 0)) & lane_mask;
      }
      uint64_t rem = P, T = 0;
      for (size_t j = 0; j < t_end; ++j) {
        if (low[j] == 0) continue;
        uint64_t words[8];
        std::memcpy(words, batch_vector(b, t[j]).bytes, 64);
        const uint64_t pbit = rem & (0 - rem);
        T += (lane_value(words, W, l) & pbit) == 0;
        rem ^= pbit;
      }
      matches[b.lane_at - base + l] = static_cast<uint8_t>(popcount64(P));
      trans[b.lane_at - base + l] = static_cast<uint8_t>(T);
    }
  }
}

// Runs the Jaro lane kernel of path p (Avx2, Avx512; anything else: the portable loop).
inline void run_jaro_lanes(SimdPath p, const PackedChoicesView& v, int cls, size_t b0, size_t b1, const uint32_t* t,
                           size_t n, LaneVector* steps, uint8_t* matches, uint8_t* trans) {
#if defined(STRDIST_X86) && (defined(__GNUC__) || defined(__clang__)) && !defined(STRDIST_NO_SIMD)
  if (p == SimdPath::Avx512) return lanes_jaro_avx512(v, cls, b0, b1, t, n, steps, matches, trans);
  if (p == SimdPath::Avx2) return lanes_jaro_avx2(v, cls, b0, b1, t, n, steps, matches, trans);
#endif
  lanes_jaro_portable(v, cls, b0, b1, t, n, steps, matches, trans);
}

// a / b for 0 <= a <= 64, 1 <= b <= 64: the very quotients jaro_score divides out (IEEE
// division is exact to the rounding, so a table of them gives the same bits), read instead of
// dividing per lane.
struct JaroQuotients {
  double q[65][65];
  JaroQuotients() {
    for (int a = 0; a <= 64; ++a)
      for (int b = 0; b <= 64; ++b) q[a][b] = b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
  }
};
inline const JaroQuotients& jaro_quotients() {
  static const JaroQuotients table;
  return table;
}

// What the scores of one query's lanes share: m / n for every m a lane can have.
struct JaroQuery {
  const uint32_t* q;
  size_t n;
  bool winkler;
  double pw, min;
  const JaroQuotients* quot;
  double per_n[65];
  JaroQuery(const uint32_t* q_, size_t n_, bool winkler_, double pw_, double min_)
      : q(q_), n(n_), winkler(winkler_), pw(pw_), min(min_), quot(&jaro_quotients()) {
    for (size_t m = 0; m <= 64; ++m) per_n[m] = n == 0 ? 0.0 : static_cast<double>(m) / static_cast<double>(n);
  }
};

// The score of a lane (len >= 1 code points, m matches, raw transpositions, Winkler prefix
// `prefix`), as the scalar kernels give it: jaro_score's expression in its order, its quotients
// read from tables; jaro (winkler false) or jaro_winkler; 0.0 below min. Jaro-Winkler: the
// scalar kernel runs Jaro with a lowered cutoff (winkler_jaro_cutoff) that only zeroes scores
// whose boosted value fails min as well, so the full score, boosted, then cut at min, is the
// same number.
inline double jaro_lane_result(const JaroQuery& jq, size_t m, size_t trans, size_t len, size_t prefix) {
  const double sim =
      m == 0 ? 0.0 : (jq.quot->q[m][len] + jq.per_n[m] + jq.quot->q[m - trans / 2][m]) / 3.0;
  if (!jq.winkler) return sim >= jq.min ? sim : 0.0;
  const double score = winkler_boost(sim, prefix, jq.pw);
  return score >= jq.min ? score : 0.0;
}

// The Winkler prefixes of a batch's lanes (common prefix with q, capped at 4), from its match
// vectors: position k is common when bit k of the lane is set in the vector of q[k]. Lane-wise
// in 64-bit words, without a branch per lane: c_k = c_(k-1) & (bit k of the lane), prefix =
// c_0 + .. + c_3, each c_k 0 or 1 in the lane's bit 0 (the sum stays inside the lane).
inline void jaro_lane_prefixes(const LaneBatch& b, unsigned W, const uint32_t* q, size_t n, uint8_t* prefix) {
  const size_t k_end = std::min<size_t>(n, 4);
  uint64_t ones = 0;
  for (unsigned at = 0; at < 64; at += W) ones |= uint64_t(1) << at;
  uint64_t sum[8] = {}, run[8];
  for (int w = 0; w < 8; ++w) run[w] = ones;
  for (size_t k = 0; k < k_end; ++k) {
    uint64_t words[8];
    std::memcpy(words, batch_vector(b, q[k]).bytes, 64);
    for (int w = 0; w < 8; ++w) {
      run[w] &= words[w] >> k;
      sum[w] += run[w] & ones;
    }
  }
  for (uint32_t l = 0; l < b.lanes; ++l) prefix[l] = static_cast<uint8_t>(lane_value(sum, W, l));
}

// Scratch of one thread for the lane kernels.
struct JaroLaneScratch {
  std::vector<LaneVector> steps;
  std::vector<uint8_t> matches, trans;
  LaneVector* steps_for(size_t n) {
    if (steps.size() < n + 1) steps.resize(n + 1);
    return steps.data();
  }
};

}  // namespace detail

// Jaro (winkler false) or Jaro-Winkler (prefix weight pw) of query q (n code points) against
// `count` choices get(i) -> {code points, length}, into out[i]; min: minSimilarity. The lane
// twin of levenshtein_lanes_once: batches packed as they come, nothing kept. Choices no lane
// takes (empty, over 64 code points) go to the scalar kernel.
template <class Get>
void jaro_lanes_once(const uint32_t* q, size_t n, SimdPath p, bool winkler, double pw, double min, size_t count, Get get,
                     double* out) {
  struct Scratch {
    detail::BatchBuilder builder;
    detail::LaneClasses members;
    uint8_t lane_len[64];
    uint8_t matches[64], trans[64];
    detail::JaroLaneScratch lanes;
  };
  static thread_local Scratch scratch;
  Scratch& sc = scratch;
  std::unique_ptr<CachedJaro> jaro;
  std::unique_ptr<CachedJaroWinkler> jw;
  sc.members.sort(count, get, [&](size_t i) {
    const auto choice = get(i);
    if (winkler) {
      if (!jw) jw.reset(new CachedJaroWinkler(q, n, pw));
      out[i] = jw->similarity(choice.first, choice.second, min);
    } else {
      if (!jaro) jaro.reset(new CachedJaro(q, n));
      out[i] = jaro->similarity(choice.first, choice.second, min);
    }
  });
  detail::LaneVector* steps = sc.lanes.steps_for(n);
  const detail::JaroQuery jq(q, n, winkler, pw, min);
  uint8_t prefix[64] = {};
  const detail::QueryAlphabet qa(q, n);
  detail::for_each_lane_batch(sc.builder, sc.members, sc.lane_len, qa, p, get,
                              [&](const PackedChoicesView& v, int c, const detail::LaneBatch& batch, unsigned W,
                                  uint32_t lanes, const uint32_t* idx) {
                                detail::run_jaro_lanes(p, v, c, 0, 1, q, n, steps, sc.matches, sc.trans);
                                if (winkler) detail::jaro_lane_prefixes(batch, W, q, n, prefix);
                                for (uint32_t l = 0; l < lanes; ++l)
                                  out[idx[l]] = detail::jaro_lane_result(jq, sc.matches[l], sc.trans[l], sc.lane_len[l], prefix[l]);
                              });
  sc.members.trim();
  if (sc.lanes.steps.size() > 4096) std::vector<detail::LaneVector>().swap(sc.lanes.steps);
}

// Jaro / Jaro-Winkler of the query q (n code points) against the lane batches of unit u
// (kind 0..3) of packed choices c, into out[choice index] (T: double or float).
template <class T>
void jaro_packed_unit(const PackedChoices& c, const PackedChoices::Unit& u, SimdPath p, const uint32_t* q, size_t n,
                      bool winkler, double pw, double min, T* out, detail::JaroLaneScratch& scratch) {
  const PackedChoicesView v = c.view();
  const detail::LaneBatch* batches = v.batches[u.kind];
  const size_t lane0 = batches[u.begin].lane_at;
  const size_t lane1 = batches[u.end - 1].lane_at + batches[u.end - 1].lanes;
  if (scratch.matches.size() < lane1 - lane0) {
    scratch.matches.resize(lane1 - lane0);
    scratch.trans.resize(lane1 - lane0);
  }
  detail::run_jaro_lanes(p, v, u.kind, u.begin, u.end, q, n, scratch.steps_for(n), scratch.matches.data(),
                         scratch.trans.data());
  const detail::JaroQuery jq(q, n, winkler, pw, min);
  const unsigned W = detail::kLaneBits[u.kind];
  uint8_t prefix[64] = {};
  for (size_t b = u.begin; b < u.end; ++b) {
    const detail::LaneBatch& batch = batches[b];
    if (winkler) detail::jaro_lane_prefixes(batch, W, q, n, prefix);
    for (uint32_t l = 0; l < batch.lanes; ++l) {
      const size_t lane = batch.lane_at + l;
      out[c.lane_choice(lane)] = static_cast<T>(detail::jaro_lane_result(
          jq, scratch.matches[lane - lane0], scratch.trans[lane - lane0], v.lane_len[lane], prefix[l]));
    }
  }
}

// One query scored against packed choices, unit by unit (several threads may each hold their
// own scorer for the same query). metric: 0 levenshtein, 1 levenshteinSimilarity, 2 jaro,
// 3 jaroWinkler (METRIC_IDS in src/kernel.ts); param: the prefix weight; max: maxDistance
// (Levenshtein, SIZE_MAX for none); min: minSimilarity (Jaro, Jaro-Winkler). Lane batches on a
// SIMD path for every metric; index order on the scalar path.
class QueryScorer {
 public:
  QueryScorer(int metric, const uint32_t* q, size_t n, double param, size_t max, double min)
      : metric_(metric), param_(param), max_(max), min_(min), q_(q, q + n) {
    if (metric <= 1) lev_.reset(new CachedLevenshtein(q, n));
    else if (metric == 2) jaro_.reset(new CachedJaro(q, n));
    else jw_.reset(new CachedJaroWinkler(q, n, param));
  }

  std::vector<PackedChoices::Unit> units(const PackedChoices& c, SimdPath p, size_t lanes = 2048) const {
    return c.units(p, lanes);
  }

  // Into out[choice index]; T is the result's element type (double, float, or int32_t for
  // Levenshtein distances), each score converted from the double the kernels compute.
  template <class T>
  void run(const PackedChoices& c, const PackedChoices::Unit& u, SimdPath p, T* out) {
    if (lev_) return c.levenshtein(*lev_, u, p, max_, metric_ == 1, out, dist_);
    if (u.kind < 4) return jaro_packed_unit(c, u, p, q_.data(), q_.size(), metric_ == 3, param_, min_, out, lanes_);
    if (jaro_) c.similarity(*jaro_, u, min_, out);
    else c.similarity(*jw_, u, min_, out);
  }

  // Every choice, on this thread.
  template <class T>
  void run_all(const PackedChoices& c, SimdPath p, T* out) {
    for (const auto& u : units(c, p, SIZE_MAX / 2)) run(c, u, p, out);
  }

 private:
  int metric_;
  double param_;
  size_t max_;
  double min_;
  std::vector<uint32_t> q_;
  std::unique_ptr<CachedLevenshtein> lev_;
  std::unique_ptr<CachedJaro> jaro_;
  std::unique_ptr<CachedJaroWinkler> jw_;
  std::vector<uint32_t> dist_;
  detail::JaroLaneScratch lanes_;
};

}  // namespace strdist
