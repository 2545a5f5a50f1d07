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
#include <vector>

#include "pattern.hpp"

namespace strdist {
namespace detail {

inline size_t common_prefix(const uint32_t* a, size_t la, const uint32_t* b, size_t lb) {
  const size_t n = std::min(la, lb);
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  return i;
}

inline size_t common_suffix(const uint32_t* a, size_t la, const uint32_t* b, size_t lb) {
  const size_t n = std::min(la, lb);
  size_t i = 0;
  while (i < n && a[la - 1 - i] == b[lb - 1 - i]) ++i;
  return i;
}

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
//    both over-estimate, and overestimates only propagate upwards.
//  * Some optimal alignment path (if the distance is <= K) stays inside the
//    computed region, where its cells then carry their true values: a block is
//    dropped only when every cell in it has value + |remaining length
//    difference| > K, and a block is added when the path could enter it.
// K starts at k and shrinks to any proven upper bound of the distance
// (value of a computed cell + the cost of finishing from it).
inline size_t levenshtein_hyrroe2003_block(const BlockPatternMatchVector& pm, size_t m,
                                           const uint32_t* t, size_t n, size_t k) {
  const size_t W = pm.words();
  SmallBuffer<uint64_t, 64> vp_buf(W), vn_buf(W);
  SmallBuffer<int64_t, 64> score_buf(W);
  SmallBuffer<uint64_t, 64> scratch_buf(pm.sparse() ? W : 0);
  uint64_t* VP = vp_buf.data();
  uint64_t* VN = vn_buf.data();
  int64_t* score = score_buf.data();  // value of the block's last row, current column
  uint64_t* scratch = scratch_buf.data();

  const int64_t M = static_cast<int64_t>(m);
  const int64_t N = static_cast<int64_t>(n);
  int64_t K = static_cast<int64_t>(std::min(k, std::max(m, n)));
  const unsigned last_shift = static_cast<unsigned>((m - 1) % 64);

  auto row_end = [&](size_t b) -> int64_t {
    return b + 1 == W ? M : static_cast<int64_t>(b + 1) * 64;
  };
  // Lowest possible (value + remaining length difference) of a cell of block b
  // in the column whose end-diagonal row is e: values fall by at most 1 per row
  // upwards from score[b]; |e - i| is the remaining length difference at row i.
  auto lower_bound = [&](size_t b, int64_t e) -> int64_t {
    const int64_t base = score[b] - row_end(b);
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
    score[b] = row_end(b);
  }

  for (size_t j = 0; j < n; ++j) {
    const int64_t col = static_cast<int64_t>(j) + 1;
    const int64_t e = M - N + col;  // row of the end diagonal in this column

    // Extend the band downwards while a path within K could enter the next
    // block in this column (through its first row, from the block above).
    while (last + 1 < W) {
      const int64_t i0 = static_cast<int64_t>(last + 1) * 64 + 1;
      const int64_t rem = e >= i0 ? e - i0 : i0 - e;
      if (score[last] + rem > K) break;
      ++last;
      VP[last] = ~uint64_t(0);
      VN[last] = 0;
      score[last] = score[last - 1] + (row_end(last) - row_end(last - 1));
    }

    const uint64_t* PM = pm.row(t[j], scratch, first, last);
    uint64_t hp = 1;  // horizontal delta entering the top block: +1
    uint64_t hn = 0;
    const size_t full_end = last + 1 == W ? last : last + 1;
    for (size_t b = first; b < full_end; ++b) {
      const uint64_t vp = VP[b];
      const uint64_t vn = VN[b];
      const uint64_t X = PM[b] | hn;
      const uint64_t D0 = (((X & vp) + vp) ^ vp) | X | vn;
      uint64_t HP = vn | ~(D0 | vp);
      uint64_t HN = D0 & vp;
      const uint64_t hp_out = HP >> 63;
      const uint64_t hn_out = HN >> 63;
      HP = (HP << 1) | hp;
      HN = (HN << 1) | hn;
      VP[b] = HN | ~(D0 | HP);
      VN[b] = HP & D0;
      score[b] += static_cast<int64_t>(hp_out) - static_cast<int64_t>(hn_out);
      hp = hp_out;
      hn = hn_out;
    }
    if (last + 1 == W) {
      const size_t b = last;
      const uint64_t vp = VP[b];
      const uint64_t vn = VN[b];
      const uint64_t X = PM[b] | hn;
      const uint64_t D0 = (((X & vp) + vp) ^ vp) | X | vn;
      uint64_t HP = vn | ~(D0 | vp);
      uint64_t HN = D0 & vp;
      const uint64_t hp_out = (HP >> last_shift) & 1;
      const uint64_t hn_out = (HN >> last_shift) & 1;
      HP = (HP << 1) | hp;
      HN = (HN << 1) | hn;
      VP[b] = HN | ~(D0 | HP);
      VN[b] = HP & D0;
      score[b] += static_cast<int64_t>(hp_out) - static_cast<int64_t>(hn_out);
    }

    // Upper bound: finish from the last computed row with at most
    // max(rows left, columns left) edits.
    const int64_t upper = score[last] + std::max(M - row_end(last), N - col);
    if (upper < K) K = upper;

    // Shrink the band from both ends. Block 0 also stands for row 0 (the exact
    // boundary D[0][col] = col), where a path may still run before entering it.
    const bool row0_out = col + (e >= 0 ? e : -e) > K;
    while (first <= last && lower_bound(first, e) > K && (first > 0 || row0_out)) ++first;
    if (first > last) return k + 1;
    while (last > first && lower_bound(last, e) > K) --last;
  }

  if (last + 1 != W) return k + 1;
  const int64_t d = score[W - 1];
  return d <= static_cast<int64_t>(k) ? static_cast<size_t>(d) : k + 1;
}

}  // namespace detail

// Unit-cost Levenshtein distance between code-point sequences a and b. When
// the distance exceeds max, returns max + 1 (max == SIZE_MAX: no cutoff).
inline size_t levenshtein(const uint32_t* a, size_t la, const uint32_t* b, size_t lb,
                          size_t max = SIZE_MAX) {
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

  if (max < 4) return detail::levenshtein_mbleven(a, la, b, lb, max);

  if (la <= 64) {
    detail::PatternMatchVector& pm = detail::thread_pattern();
    pm.insert(a, la);
    const size_t d = detail::levenshtein_hyrroe2003(pm, la, b, lb);
    pm.erase(a, la);
    return d <= max ? d : max + 1;
  }
  detail::BlockPatternMatchVector pm(a, la);
  return detail::levenshtein_hyrroe2003_block(pm, la, b, lb, std::min(max, lb));
}

// 1 - d / max(la, lb); two empty strings give 1.0.
inline double levenshtein_similarity(const uint32_t* a, size_t la, const uint32_t* b, size_t lb) {
  if (la == 0 && lb == 0) return 1.0;
  const size_t d = levenshtein(a, la, b, lb);
  return 1.0 - static_cast<double>(d) / static_cast<double>(std::max(la, lb));
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
    if (max < 4) {
      const size_t p = detail::common_prefix(a, la, b, lb);
      const size_t s = detail::common_suffix(a + p, la - p, b + p, lb - p);
      return detail::levenshtein_mbleven(a + p, la - p - s, b + p, lb - p - s, max);
    }
    if (la <= 64) {
      const size_t d = detail::levenshtein_hyrroe2003(word_, la, b, lb);
      return d <= max ? d : max + 1;
    }
    return detail::levenshtein_hyrroe2003_block(block_, la, b, lb, std::min(max, std::max(la, lb)));
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
