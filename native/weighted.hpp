// strdist — Levenshtein distance with integer weights over code points: `insert` is the cost
// of inserting a code point into a on the way to b, `del` of deleting one from a, `sub` of
// replacing one. Weights are non-negative integers (the public API caps them at 2^20).
//
// Which algorithm runs (the special cases RapidFuzz makes too):
//   insert == delete == 0                 0: any string becomes any other for free
//   insert == delete == substitute = w    w * unit Levenshtein (bit-parallel, levenshtein.hpp)
//   insert == delete = w, sub >= 2w       w * Indel (bit-parallel LCS, lcs.hpp): a substitution
//                                         never beats a deletion plus an insertion
//   otherwise                             Wagner-Fischer over one row, O(|a| * |b|) time,
//                                         O(|b|) memory, after the common prefix and suffix
//                                         (free to keep) are set aside.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "lcs.hpp"
#include "levenshtein.hpp"
#include "pattern.hpp"

namespace strdist {
namespace detail {

inline uint64_t weighted_levenshtein_wagner_fischer(const uint32_t* a, size_t la, const uint32_t* b, size_t lb,
                                                    uint64_t ins, uint64_t del, uint64_t sub) {
  std::vector<uint64_t> row(lb + 1);
  for (size_t j = 0; j <= lb; ++j) row[j] = j * ins;
  for (size_t i = 1; i <= la; ++i) {
    uint64_t diag = row[0];
    row[0] = i * del;
    const uint32_t ai = a[i - 1];
    for (size_t j = 1; j <= lb; ++j) {
      const uint64_t up = row[j];
      uint64_t best = diag + (ai == b[j - 1] ? 0 : sub);
      best = std::min(best, up + del);
      best = std::min(best, row[j - 1] + ins);
      diag = up;
      row[j] = best;
    }
  }
  return row[lb];
}

}  // namespace detail

// Weighted distance; max + 1 when it exceeds max (UINT64_MAX: no cutoff). Weights below 2^32.
inline uint64_t weighted_levenshtein(const uint32_t* a, size_t la, const uint32_t* b, size_t lb, uint64_t ins,
                                     uint64_t del, uint64_t sub, uint64_t max = UINT64_MAX) {
  auto cut = [&](uint64_t d) { return d <= max ? d : max + 1; };
  if (ins == del) {
    if (ins == 0) return 0;
    // Unit distance d costs d * ins: d * ins <= max exactly when d <= max / ins.
    const size_t unit_max = max == UINT64_MAX ? SIZE_MAX : static_cast<size_t>(max / ins);
    if (sub == ins) {
      const size_t d = levenshtein(a, la, b, lb, unit_max);
      return d > unit_max ? max + 1 : cut(d * ins);
    }
    if (sub >= ins + del) {
      const size_t d = indel(a, la, b, lb, unit_max);
      return d > unit_max ? max + 1 : cut(d * ins);
    }
  }
  // The lengths alone: |la - lb| insertions or deletions at least.
  const uint64_t floor_cost = la > lb ? (la - lb) * del : (lb - la) * ins;
  if (floor_cost > max) return max + 1;
  const size_t p = detail::common_prefix(a, la, b, lb);
  a += p;
  b += p;
  la -= p;
  lb -= p;
  const size_t s = detail::common_suffix(a, la, b, lb);
  la -= s;
  lb -= s;
  return cut(detail::weighted_levenshtein_wagner_fischer(a, la, b, lb, ins, del, sub));
}

}  // namespace strdist
