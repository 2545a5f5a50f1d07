// strdist — Levenshtein distance (unit costs) over code points.
//
//   levenshtein_hyrroe2003        one 64-bit word, pattern <= 64 (Hyyrö 2003)
//   levenshtein_hyrroe2003_block  multi-word, Ukkonen band (Myers 1999 blocks)
//   levenshtein_mbleven           cutoffs below 4: bounded search of edit scripts
//
// Bit-vector notation (Hyyrö 2003): pattern P (length m) is vertical, one bit
// per row; the text T is consumed one code point (column) at a time.
// VP/VN hold the vertical deltas D[i][j] - D[i-1][j] = +1 / -1 of the current
// column, HP/HN the horizontal ones, D0 the cells with a zero diagonal delta.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "pattern.hpp"

namespace strdist {
namespace detail {

// Hyyrö 2003 for a pattern of 1..64 code points (its match vectors in pm)
// against a text t of any length. Returns the exact distance.
template <class PM>
inline size_t levenshtein_hyrroe2003(const PM& pm, size_t m, const uint32_t* t, size_t n) {
  uint64_t VP = ~uint64_t(0);
  uint64_t VN = 0;
  const uint64_t last = uint64_t(1) << (m - 1);
  size_t dist = m;
  for (size_t j = 0; j < n; ++j) {
    const uint64_t X = pm.get(t[j]);
    const uint64_t D0 = (((X & VP) + VP) ^ VP) | X | VN;
    uint64_t HP = VN | ~(D0 | VP);
    uint64_t HN = D0 & VP;
    dist += (HP & last) != 0;
    dist -= (HN & last) != 0;
    HP = (HP << 1) | 1;  // row 0 grows by one per column
    HN = HN << 1;
    VP = HN | ~(D0 | HP);
    VN = HP & D0;
  }
  return dist;
}

// Bounded search over edit scripts for small cutoffs (the idea of Bachmann's
// mbleven): skip equal code points (always optimal), and at a mismatch try
// substitution, deletion and insertion with one edit less.
// Returns min(distance, k + 1); O(3^k * (la + lb)).
inline size_t levenshtein_mbleven(const uint32_t* a, size_t la, const uint32_t* b, size_t lb,
                                  size_t k) {
  const size_t p = common_prefix(a, la, b, lb);
  a += p;
  b += p;
  la -= p;
  lb -= p;
  if (la == 0 || lb == 0) {
    const size_t d = la + lb;
    return d <= k ? d : k + 1;
  }
  if (k == 0) return 1;
  const size_t diff = la > lb ? la - lb : lb - la;
  if (diff > k) return k + 1;

  size_t best = 1 + levenshtein_mbleven(a + 1, la - 1, b + 1, lb - 1, k - 1);  // substitute
  // The other branches only matter if they need fewer than best edits, so
  // their budget shrinks with best; a failed branch returns budget + 1, and
  // 1 + budget + 1 >= best, so a failure never lowers best.
  if (best > 1)
    best = std::min(best, 1 + levenshtein_mbleven(a + 1, la - 1, b, lb, std::min(k, best - 1) - 1));
  if (best > 1)
    best = std::min(best, 1 + levenshtein_mbleven(a, la, b + 1, lb - 1, std::min(k, best - 1) - 1));
  return best;
}

// One block step of the multi-word algorithm (Myers 1999 blocks with Hyyrö's
// D0): column update of one 64-row block given its match word eq and the
// horizontal delta entering at its top (hp: +1, hn: -1). On return hp/hn hold
// the horizontal delta leaving at row bit `out` of the block.
inline void levenshtein_block_step(uint64_t& VP, uint64_t& VN, uint64_t eq, uint64_t& hp,
                                   uint64_t& hn, unsigned out) {
  const uint64_t vp = VP;
  const uint64_t vn = VN;
  const uint64_t X = eq | hn;
  const uint64_t D0 = (((X & vp) + vp) ^ vp) | X | vn;
  uint64_t HP = vn | ~(D0 | vp);
  uint64_t HN = D0 & vp;
  const uint64_t hp_out = (HP >> out) & 1;
  const uint64_t hn_out = (HN >> out) & 1;
  HP = (HP << 1) | hp;
  HN = (HN << 1) | hn;
  VP = HN | ~(D0 | HP);
  VN = HP & D0;
  hp = hp_out;
  hn = hn_out;
}

// Multi-word Hyyrö/Myers over all blocks of every column, for short
// multi-word patterns (two words), where the band's bookkeeping costs more than
// it saves. Returns the exact distance.
inline size_t levenshtein_hyrroe2003_2words(const BlockPatternMatchVector& pm, size_t m,
                                            const uint32_t* t, size_t n) {
  uint64_t scratch[2];
  uint64_t VP0 = ~uint64_t(0), VN0 = 0, VP1 = ~uint64_t(0), VN1 = 0;
  const unsigned last_shift = static_cast<unsigned>((m - 1) % 64);
  size_t dist = m;
  for (size_t j = 0; j < n; ++j) {
    const uint64_t* PM = pm.row(t[j], scratch, 0, 1);
    uint64_t hp = 1, hn = 0;
    levenshtein_block_step(VP0, VN0, PM[0], hp, hn, 63);
    levenshtein_block_step(VP1, VN1, PM[1], hp, hn, last_shift);
    dist += hp;
    dist -= hn;
  }
  return dist;
}

// mbleven costs O(3^max) scans and wins for cutoffs up to 2; at 3 it beats a
// one-word Hyyrö pass only on longer strings (measured: equal at about 24 code
// points for unrelated strings).
inline bool prefer_mbleven(size_t max, size_t longer) {
  return max <= 2 || (max == 3 && longer >= 24);
}

// Multi-word Hyyrö/Myers with an Ukkonen band.
//
// pm holds a pattern of m >= 1 code points; t is the text (n code points).
// Requires |m - n| <= k. Returns the distance if it is <= k, else k + 1.
//
// Rows are 1..m, columns 1..n; block b holds rows 64b+1 .. 64b+64. Only blocks
// first..last are computed in a column. Exactness rests on two facts:
//  * Values of computed cells are never below the true values: a block above
//    the band is frozen and its last row is taken to grow by +1 per column, and
//    a block entering the band below starts at +1 per row from the block above;
//    both over-estimate, and the recurrence (a minimum of sums) turns inputs
//    that are too high only into outputs that are too high or exact.
//  * Some optimal alignment path (if the distance is <= K) stays inside the
//    computed region, where its cells then carry their true values: a block is
//    dropped only when every cell in it has value + |remaining length
//    difference| > K (row 0, exact, counting as part of block 0), and a block
//    is added when the path could enter it from the block above.
// K starts at k and shrinks to any proven upper bound of the distance
// (value of a computed cell + the cost of finishing from it).
inline size_t levenshtein_hyrroe2003_block(const BlockPatternMatchVector& pm, size_t m,
                                           const uint32_t* t, size_t n, size_t k) {
  const size_t W = pm.words();
  SmallBuffer<uint64_t, 64> vp_buf(W), vn_buf(W);
  SmallBuffer<uint64_t, 64> scratch_buf(pm.sparse() ? W : 0);
  uint64_t* VP = vp_buf.data();
  uint64_t* VN = vn_buf.data();
  uint64_t* scratch = scratch_buf.data();

  const int64_t M = static_cast<int64_t>(m);
  const int64_t N = static_cast<int64_t>(n);
  int64_t K = static_cast<int64_t>(std::min(k, std::max(m, n)));
  const unsigned last_shift = static_cast<unsigned>((m - 1) % 64);

  auto row_end = [&](size_t b) -> int64_t {
    return b + 1 == W ? M : static_cast<int64_t>(b + 1) * 64;
  };
  auto out_bit = [&](size_t b) -> unsigned { return b + 1 == W ? last_shift : 63; };
  // Sum of the vertical deltas of block b: value at its last row minus the
  // value at the row above it.
  auto block_rise = [&](size_t b) -> int64_t {
    const uint64_t valid = b + 1 == W ? low_mask(last_shift + 1) : ~uint64_t(0);
    return static_cast<int64_t>(popcount64(VP[b] & valid)) -
           static_cast<int64_t>(popcount64(VN[b] & valid));
  };
  // Lowest possible (value + remaining length difference) of a cell of block
  // b whose last row has value s, in the column whose end-diagonal row is e:
  // values fall by at most 1 per row upwards, and |e - i| is the remaining
  // length difference at row i.
  auto lower_bound = [&](size_t b, int64_t s, int64_t e) -> int64_t {
    const int64_t base = s - row_end(b);
    const int64_t first_row = static_cast<int64_t>(b) * 64 + 1;
    return first_row <= e ? base + e : base + 2 * first_row - e;
  };

  // Column 0: D[i][0] = i. Cell i can lie on a path within K only if
  // i + |(m - i) - n| <= K, that is i <= (K + m - n) / 2.
  const int64_t imax = std::min(M, (K + M - N) / 2);
  size_t first = 0;
  size_t last = imax > 0 ? static_cast<size_t>((imax - 1) / 64) : 0;
  for (size_t b = 0; b <= last; ++b) {
    VP[b] = ~uint64_t(0);
    VN[b] = 0;
  }
  // Values at the last rows of blocks first and last (the band's edges).
  int64_t s_first = row_end(first);
  int64_t s_last = row_end(last);

  for (size_t j = 0; j < n; ++j) {
    const int64_t col = static_cast<int64_t>(j) + 1;
    const int64_t e = M - N + col;  // row of the end diagonal in this column

    // Extend the band downwards while a path within K could enter the next
    // block in this column (through its first row, from the block above).
    while (last + 1 < W) {
      const int64_t i0 = static_cast<int64_t>(last + 1) * 64 + 1;
      const int64_t rem = e >= i0 ? e - i0 : i0 - e;
      if (s_last + rem > K) break;
      const int64_t rows = row_end(last + 1) - row_end(last);
      ++last;
      VP[last] = ~uint64_t(0);
      VN[last] = 0;
      s_last += rows;
    }

    const uint64_t* PM = pm.row(t[j], scratch, first, last);
    uint64_t hp = 1;  // horizontal delta entering the top block: +1
    uint64_t hn = 0;
    levenshtein_block_step(VP[first], VN[first], PM[first], hp, hn, out_bit(first));
    s_first += static_cast<int64_t>(hp) - static_cast<int64_t>(hn);
    if (first < last) {
      for (size_t b = first + 1; b < last; ++b) levenshtein_block_step(VP[b], VN[b], PM[b], hp, hn, 63);
      levenshtein_block_step(VP[last], VN[last], PM[last], hp, hn, out_bit(last));
      s_last += static_cast<int64_t>(hp) - static_cast<int64_t>(hn);
    } else {
      s_last = s_first;
    }

    // Upper bound: finish from the last computed row with at most
    // max(rows left, columns left) edits.
    const int64_t upper = s_last + std::max(M - row_end(last), N - col);
    if (upper < K) K = upper;

    // Shrink the band from both ends. Block 0 also stands for row 0 (the exact
    // boundary D[0][col] = col), where a path may still run before entering it.
    const bool row0_out = col + (e >= 0 ? e : -e) > K;
    while (lower_bound(first, s_first, e) > K && (first > 0 || row0_out)) {
      if (first == last) return k + 1;  // the band is empty: distance > K
      ++first;
      s_first += block_rise(first);
    }
    while (last > first && lower_bound(last, s_last, e) > K) {
      s_last -= block_rise(last);
      --last;
    }
  }

  if (last + 1 != W) return k + 1;
  return s_last <= static_cast<int64_t>(k) ? static_cast<size_t>(s_last) : k + 1;
}

// Pattern of m > 64 code points against t; |m - n| <= max. Distance, or
// max + 1 when it exceeds max.
inline size_t levenshtein_multiword(const BlockPatternMatchVector& pm, size_t m, const uint32_t* t,
                                    size_t n, size_t max) {
  if (pm.words() == 2) {
    const size_t d = levenshtein_hyrroe2003_2words(pm, m, t, n);
    return d <= max ? d : max + 1;
  }
  return levenshtein_hyrroe2003_block(pm, m, t, n, std::min(max, std::max(m, n)));
}

}  // namespace detail

// Unit-cost Levenshtein distance between code-point sequences a and b. When
// the distance exceeds max, returns max + 1 (max == SIZE_MAX: no cutoff).
// `pm` is an empty one-word pattern vector, left empty again: the caller's own (a pairwise
// export keeps one per environment), so the call makes no thread-local lookup.
inline size_t levenshtein(detail::PatternMatchVector& pm, const uint32_t* a, size_t la, const uint32_t* b,
                          size_t lb, size_t max = SIZE_MAX) {
  if (la > lb) {
    std::swap(a, b);
    std::swap(la, lb);
  }
  // Now la <= lb: a is the pattern.
  if (lb - la > max) return max + 1;

  const size_t p = detail::common_prefix(a, la, b, lb);
  a += p;
  b += p;
  la -= p;
  lb -= p;
  const size_t s = detail::common_suffix(a, la, b, lb);
  la -= s;
  lb -= s;
  if (la == 0) return lb;  // lb - la <= max

  if (detail::prefer_mbleven(max, lb)) return detail::levenshtein_mbleven(a, la, b, lb, max);

  if (la <= 64) {
    pm.insert(a, la);
    const size_t d = detail::levenshtein_hyrroe2003(pm, la, b, lb);
    pm.erase(a, la);
    return d <= max ? d : max + 1;
  }
  const detail::BlockPatternMatchVector block(a, la);
  return detail::levenshtein_multiword(block, la, b, lb, max);
}

inline size_t levenshtein(const uint32_t* a, size_t la, const uint32_t* b, size_t lb,
                          size_t max = SIZE_MAX) {
  return levenshtein(detail::thread_pattern(), a, la, b, lb, max);
}

// 1 - d / max(la, lb); two empty strings give 1.0.
inline double levenshtein_similarity(detail::PatternMatchVector& pm, const uint32_t* a, size_t la,
                                     const uint32_t* b, size_t lb) {
  if (la == 0 && lb == 0) return 1.0;
  const size_t d = levenshtein(pm, a, la, b, lb);
  return 1.0 - static_cast<double>(d) / static_cast<double>(std::max(la, lb));
}

inline double levenshtein_similarity(const uint32_t* a, size_t la, const uint32_t* b, size_t lb) {
  return levenshtein_similarity(detail::thread_pattern(), a, la, b, lb);
}

// A query whose match vectors are built once, then scored against many strings.
// const member functions are safe to call from several threads at once.
class CachedLevenshtein {
 public:
  CachedLevenshtein(const uint32_t* s, size_t n) : s_(s, s + n) {
    if (n <= 64) word_.insert(s, n);
    else block_ = detail::BlockPatternMatchVector(s, n);
  }

  size_t distance(const uint32_t* b, size_t lb, size_t max = SIZE_MAX) const {
    const uint32_t* a = s_.data();
    size_t la = s_.size();
    const size_t diff = la > lb ? la - lb : lb - la;
    if (diff > max) return max + 1;
    if (la == 0) return lb;
    if (lb == 0) return la;
    if (detail::prefer_mbleven(max, std::max(la, lb))) {
      const size_t p = detail::common_prefix(a, la, b, lb);
      const size_t s = detail::common_suffix(a + p, la - p, b + p, lb - p);
      return detail::levenshtein_mbleven(a + p, la - p - s, b + p, lb - p - s, max);
    }
    if (la <= 64) {
      const size_t d = detail::levenshtein_hyrroe2003(word_, la, b, lb);
      return d <= max ? d : max + 1;
    }
    return detail::levenshtein_multiword(block_, la, b, lb, max);
  }

  double similarity(const uint32_t* b, size_t lb) const {
    const size_t la = s_.size();
    if (la == 0 && lb == 0) return 1.0;
    const size_t d = distance(b, lb);
    return 1.0 - static_cast<double>(d) / static_cast<double>(std::max(la, lb));
  }

  size_t size() const { return s_.size(); }
  const uint32_t* data() const { return s_.data(); }

 private:
  std::vector<uint32_t> s_;
  detail::PatternMatchVector word_;
  detail::BlockPatternMatchVector block_;
};

}  // namespace strdist
