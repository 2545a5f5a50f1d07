// strdist — longest common subsequence and the Indel distance over code points.
//
//   lcs_hyyro2004_word   pattern of 1..64 code points, one 64-bit word
//   lcs_hyyro2004_block  any pattern length, ceil(m / 64) words with an add carry
//
// Bit-parallel LCS (Allison & Dix 1986; Hyyrö 2004, "Bit-parallel LCS-length computation
// revisited"). The pattern P (m code points) is vertical, one bit per row; S starts all ones
// and, per text code point c with match vector M = PM[c]:
//     U = S & M;   S = (S + U) | (S - U)
// after the last column the number of zero bits of S among the m rows is the LCS length.
// O(ceil(m / 64) * n) word operations.
//
// Indel distance (insertions and deletions only) = |a| + |b| - 2 * LCS(a, b).
// Worked example: LCS("kitten", "sitting") = 4 ("ittn"), Indel = 6 + 7 - 8 = 5.
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
inline size_t lcs_hyyro2004_word(const PM& pm, size_t m, const uint32_t* t, size_t n) {
  uint64_t S = ~uint64_t(0);
  for (size_t j = 0; j < n; ++j) {
    const uint64_t U = S & pm.get(t[j]);
    S = (S + U) | (S - U);
  }
  return popcount64(~S & low_mask(m));
}

inline size_t lcs_hyyro2004_block(const BlockPatternMatchVector& pm, size_t m, const uint32_t* t, size_t n) {
  const size_t W = pm.words();
  SmallBuffer<uint64_t, 64> s_buf(W);
  SmallBuffer<uint64_t, 64> scratch_buf(pm.sparse() ? W : 0);
  uint64_t* S = s_buf.data();
  uint64_t* scratch = scratch_buf.data();
  for (size_t w = 0; w < W; ++w) S[w] = ~uint64_t(0);
  for (size_t j = 0; j < n; ++j) {
    const uint64_t* M = pm.row(t[j], scratch, 0, W - 1);
    uint64_t carry = 0;
    for (size_t w = 0; w < W; ++w) {
      const uint64_t s = S[w];
      const uint64_t U = s & M[w];
      const uint64_t x = s + U;
      const uint64_t sum = x + carry;
      carry = static_cast<uint64_t>(x < s) | static_cast<uint64_t>(sum < x);
      S[w] = sum | (s - U);
    }
  }
  size_t lcs = 0;
  for (size_t w = 0; w + 1 < W; ++w) lcs += popcount64(~S[w]);
  lcs += popcount64(~S[W - 1] & low_mask(m - (W - 1) * 64));
  return lcs;
}

// LCS length of a non-empty pattern (its vectors in word or block) and a text.
inline size_t lcs_with(const PatternMatchVector* word, const BlockPatternMatchVector* block, size_t m,
                       const uint32_t* t, size_t n) {
  if (n == 0 || m == 0) return 0;
  return m <= 64 ? lcs_hyyro2004_word(*word, m, t, n) : lcs_hyyro2004_block(*block, m, t, n);
}

}  // namespace detail

// Length of a longest common subsequence of a and b.
inline size_t longest_common_subsequence(const uint32_t* a, size_t la, const uint32_t* b, size_t lb) {
  if (la > lb) {
    std::swap(a, b);
    std::swap(la, lb);
  }
  // A common prefix or suffix is part of some longest common subsequence.
  const size_t p = detail::common_prefix(a, la, b, lb);
  a += p;
  b += p;
  la -= p;
  lb -= p;
  const size_t s = detail::common_suffix(a, la, b, lb);
  la -= s;
  lb -= s;
  if (la == 0) return p + s;
  if (la <= 64) {
    detail::PatternMatchVector& pm = detail::thread_pattern();
    pm.insert(a, la);
    const size_t l = detail::lcs_hyyro2004_word(pm, la, b, lb);
    pm.erase(a, la);
    return p + s + l;
  }
  const detail::BlockPatternMatchVector pm(a, la);
  return p + s + detail::lcs_hyyro2004_block(pm, la, b, lb);
}

// Indel distance; max + 1 when it exceeds max (SIZE_MAX: no cutoff).
inline size_t indel(const uint32_t* a, size_t la, const uint32_t* b, size_t lb, size_t max = SIZE_MAX) {
  const size_t diff = la > lb ? la - lb : lb - la;
  if (diff > max) return max + 1;
  const size_t d = la + lb - 2 * longest_common_subsequence(a, la, b, lb);
  return d <= max ? d : max + 1;
}

// The normalized similarity 1 - d / max, with 1 for max == 0 (RapidFuzz's normalized_similarity),
// evaluated as the TypeScript kernel does.
inline double normalized_similarity(size_t d, size_t maximum) {
  if (maximum == 0) return 1.0;
  return 1.0 - static_cast<double>(d) / static_cast<double>(maximum);
}

// 1 - indel / (|a| + |b|): python-Levenshtein's ratio, RapidFuzz's Indel.normalized_similarity.
inline double indel_ratio(const uint32_t* a, size_t la, const uint32_t* b, size_t lb) {
  return normalized_similarity(indel(a, la, b, lb), la + lb);
}

// A query whose match vectors are built once, scored against many strings.
class CachedLcs {
 public:
  CachedLcs(const uint32_t* s, size_t n) : s_(s, s + n) {
    if (n <= 64) word_.insert(s, n);
    else block_ = detail::BlockPatternMatchVector(s, n);
  }
  size_t lcs(const uint32_t* b, size_t lb) const {
    return detail::lcs_with(&word_, &block_, s_.size(), b, lb);
  }
  size_t indel(const uint32_t* b, size_t lb, size_t max = SIZE_MAX) const {
    const size_t la = s_.size();
    const size_t diff = la > lb ? la - lb : lb - la;
    if (diff > max) return max + 1;
    const size_t d = la + lb - 2 * lcs(b, lb);
    return d <= max ? d : max + 1;
  }
  double ratio(const uint32_t* b, size_t lb) const { return normalized_similarity(indel(b, lb), s_.size() + lb); }
  size_t size() const { return s_.size(); }

 private:
  std::vector<uint32_t> s_;
  detail::PatternMatchVector word_;
  detail::BlockPatternMatchVector block_;
};

}  // namespace strdist
