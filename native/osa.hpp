// strdist — optimal string alignment distance (restricted Damerau-Levenshtein) over code
// points: insertions, deletions, substitutions and transpositions of two adjacent code points,
// with no substring edited more than once. OSA("ca", "abc") = 3 (the unrestricted
// Damerau-Levenshtein distance is 2).
//
//   osa_hyrroe2003        pattern of 1..64 code points, one 64-bit word
//   osa_hyrroe2003_block  any pattern length, ceil(m / 64) words
//
// Hyyrö 2003, "A bit-vector algorithm for computing Levenshtein and Damerau edit distances":
// Myers' Levenshtein recurrence (as in levenshtein.hpp) plus a transposition vector
//     TR = ((~D0_prev & PM[t_j]) << 1) & PM[t_{j-1}]
// OR-ed into D0, where D0_prev is the previous column's D0. In blocks, bit 0 of a block's TR
// comes from bit 63 of the block above (its previous D0 and its current match vector).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "intrinsics.hpp"
#include "pattern.hpp"

namespace strdist {
namespace detail {

template <class PM>
inline size_t osa_hyrroe2003(const PM& pm, size_t m, const uint32_t* t, size_t n) {
  uint64_t VP = ~uint64_t(0), VN = 0, D0 = 0, PM_prev = 0;
  const uint64_t last = uint64_t(1) << (m - 1);
  size_t dist = m;
  for (size_t j = 0; j < n; ++j) {
    const uint64_t X = pm.get(t[j]);
    const uint64_t TR = (((~D0) & X) << 1) & PM_prev;
    D0 = (((X & VP) + VP) ^ VP) | X | VN | TR;
    uint64_t HP = VN | ~(D0 | VP);
    uint64_t HN = D0 & VP;
    dist += (HP & last) != 0;
    dist -= (HN & last) != 0;
    HP = (HP << 1) | 1;
    HN = HN << 1;
    VP = HN | ~(D0 | HP);
    VN = HP & D0;
    PM_prev = X;
  }
  return dist;
}

inline size_t osa_hyrroe2003_block(const BlockPatternMatchVector& pm, size_t m, const uint32_t* t, size_t n) {
  const size_t W = pm.words();
  // Per block: VP, VN, the previous column's D0 and match vector.
  SmallBuffer<uint64_t, 64> vp_buf(W), vn_buf(W), d0_buf(W), pm_buf(W);
  SmallBuffer<uint64_t, 64> scratch_buf(pm.sparse() ? W : 0);
  uint64_t* VP = vp_buf.data();
  uint64_t* VN = vn_buf.data();
  uint64_t* D0s = d0_buf.data();
  uint64_t* PMs = pm_buf.data();
  uint64_t* scratch = scratch_buf.data();
  for (size_t w = 0; w < W; ++w) {
    VP[w] = ~uint64_t(0);
    VN[w] = 0;
    D0s[w] = 0;
    PMs[w] = 0;
  }
  const uint64_t last = uint64_t(1) << ((m - 1) % 64);
  size_t dist = m;
  for (size_t j = 0; j < n; ++j) {
    const uint64_t* M = pm.row(t[j], scratch, 0, W - 1);
    uint64_t hp_carry = 1, hn_carry = 0;
    // Bit 63 of the block above: its previous-column D0 and its current match vector.
    uint64_t above = 0;
    for (size_t w = 0; w < W; ++w) {
      const uint64_t X = M[w];
      const uint64_t vp = VP[w], vn = VN[w], d0_prev = D0s[w];
      const uint64_t TR = ((((~d0_prev) & X) << 1) | above) & PMs[w];
      above = ((~d0_prev) & X) >> 63;
      const uint64_t Xh = X | hn_carry;
      const uint64_t D0 = (((Xh & vp) + vp) ^ vp) | Xh | vn | TR;
      uint64_t HP = vn | ~(D0 | vp);
      uint64_t HN = D0 & vp;
      if (w + 1 == W) {
        dist += (HP & last) != 0;
        dist -= (HN & last) != 0;
      }
      const uint64_t hp_out = HP >> 63, hn_out = HN >> 63;
      HP = (HP << 1) | hp_carry;
      HN = (HN << 1) | hn_carry;
      hp_carry = hp_out;
      hn_carry = hn_out;
      VP[w] = HN | ~(D0 | HP);
      VN[w] = HP & D0;
      D0s[w] = D0;
      PMs[w] = X;
    }
  }
  return dist;
}

}  // namespace detail

// OSA distance; max + 1 when it exceeds max (SIZE_MAX: no cutoff).
inline size_t osa(const uint32_t* a, size_t la, const uint32_t* b, size_t lb, size_t max = SIZE_MAX) {
  if (la > lb) {
    std::swap(a, b);
    std::swap(la, lb);
  }
  if (lb - la > max) return max + 1;
  const size_t p = detail::common_prefix(a, la, b, lb);
  a += p;
  b += p;
  la -= p;
  lb -= p;
  const size_t s = detail::common_suffix(a, la, b, lb);
  la -= s;
  lb -= s;
  size_t d;
  if (la == 0) {
    d = lb;
  } else if (la <= 64) {
    detail::PatternMatchVector& pm = detail::thread_pattern();
    pm.insert(a, la);
    d = detail::osa_hyrroe2003(pm, la, b, lb);
    pm.erase(a, la);
  } else {
    const detail::BlockPatternMatchVector pm(a, la);
    d = detail::osa_hyrroe2003_block(pm, la, b, lb);
  }
  return d <= max ? d : max + 1;
}

class CachedOsa {
 public:
  CachedOsa(const uint32_t* s, size_t n) : s_(s, s + n) {
    if (n <= 64) word_.insert(s, n);
    else block_ = detail::BlockPatternMatchVector(s, n);
  }
  size_t distance(const uint32_t* b, size_t lb, size_t max = SIZE_MAX) const {
    const size_t la = s_.size();
    const size_t diff = la > lb ? la - lb : lb - la;
    if (diff > max) return max + 1;
    size_t d;
    if (la == 0) d = lb;
    else if (lb == 0) d = la;
    else if (la <= 64) d = detail::osa_hyrroe2003(word_, la, b, lb);
    else d = detail::osa_hyrroe2003_block(block_, la, b, lb);
    return d <= max ? d : max + 1;
  }
  size_t size() const { return s_.size(); }

 private:
  std::vector<uint32_t> s_;
  detail::PatternMatchVector word_;
  detail::BlockPatternMatchVector block_;
};

}  // namespace strdist
