// strdist — unrestricted Damerau-Levenshtein distance over code points: insertions,
// deletions, substitutions and transpositions of adjacent code points, where a transposed
// pair may be edited further (Lowrance & Wagner 1975). DL("ca", "abc") = 2 ("ca" -> "ac" ->
// "abc"), where the restricted OSA distance is 3.
//
//   damerau_levenshtein_zhao   O(|a| * |b|) time, O(|a| + |b|) memory
//
// Zhao, Sahni et al. 2018 ("Linear space string correction algorithm using the
// Damerau-Levenshtein distance"): of Lowrance-Wagner's transpositions from the last row k with
// a[k] == b[j] and the last column l with b[l] == a[i], only those with i - k == 1 or
// j - l == 1 can improve on the plain edits, so two rows suffice plus, per column j, the value
// H[k-1][j-2] saved when a[k] matched b[j] (FR), and, along a row, the value H[i-2][l-1] saved
// when a[i] matched b[l] (T).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "pattern.hpp"

namespace strdist {
namespace detail {

// Last row (1-based, 0 when none) at which each code point of a occurred, so far.
class LastRow {
 public:
  LastRow() { std::fill(small_, small_ + 256, 0u); }
  uint32_t get(uint32_t c) const { return c < 256 ? small_[c] : large_.find(c); }
  void set(uint32_t c, uint32_t row) {
    if (c < 256) small_[c] = row;
    else large_.find_or_insert(c) = row;  // rows are >= 1: never the map's empty value
  }

 private:
  uint32_t small_[256];
  CodeMap large_;
};

inline size_t damerau_levenshtein_zhao(const uint32_t* a, size_t la, const uint32_t* b, size_t lb) {
  using I = int64_t;
  const I big = static_cast<I>(la + lb + 1);  // larger than any distance: "no such cell"
  // Index shift by one so that column -1 exists: X[j + 1] holds column j.
  std::vector<I> r0(lb + 2), r1(lb + 2, big), fr(lb + 2, big);
  I* prev2 = r0.data() + 1;  // row i - 2 (before the swap below: row i - 1's predecessor)
  I* prev = r1.data() + 1;   // row i - 1
  I* FR = fr.data() + 1;
  // Row 0: H[0][j] = j; H[-1][*] = big.
  prev2[-1] = big;
  for (size_t j = 0; j <= lb; ++j) prev2[j] = static_cast<I>(j);
  std::swap(prev, prev2);  // prev = row 0, prev2 = row -1 (all big)
  LastRow last_row;
  for (size_t i = 1; i <= la; ++i) {
    I* cur = prev2;  // row i overwrites row i - 2, read as it goes
    const uint32_t ai = a[i - 1];
    I last_col = -1;             // last column l < j with b[l] == a[i]
    I saved_row2 = cur[0];       // H[i-2][j-1] for the next column
    cur[0] = static_cast<I>(i);
    I T = big;                   // H[i-2][l-1] for the last column l with b[l] == a[i]
    for (size_t j = 1; j <= lb; ++j) {
      const uint32_t bj = b[j - 1];
      I best = std::min(prev[j - 1] + (ai != bj), std::min(cur[j - 1], prev[j]) + 1);
      if (ai == bj) {
        last_col = static_cast<I>(j);
        FR[j] = prev[static_cast<ptrdiff_t>(j) - 2];  // column -1 when j == 1 (signed: no wrap)
        T = saved_row2;
      } else {
        const I k = last_row.get(bj);  // 0 when b[j] did not occur in a yet
        if (static_cast<I>(j) - last_col == 1) {
          if (k > 0) best = std::min(best, FR[j] + static_cast<I>(i) - k);
        } else if (k > 0 && static_cast<I>(i) - k == 1) {
          best = std::min(best, T + static_cast<I>(j) - last_col);
        }
      }
      saved_row2 = cur[j];
      cur[j] = best;
    }
    last_row.set(ai, static_cast<uint32_t>(i));
    prev2 = prev;
    prev = cur;
  }
  return static_cast<size_t>(prev[lb]);
}

}  // namespace detail

// Unrestricted Damerau-Levenshtein distance; max + 1 when it exceeds max (SIZE_MAX: none).
inline size_t damerau_levenshtein(const uint32_t* a, size_t la, const uint32_t* b, size_t lb,
                                  size_t max = SIZE_MAX) {
  const size_t diff = la > lb ? la - lb : lb - la;
  if (diff > max) return max + 1;
  const size_t p = detail::common_prefix(a, la, b, lb);
  a += p;
  b += p;
  la -= p;
  lb -= p;
  const size_t s = detail::common_suffix(a, la, b, lb);
  la -= s;
  lb -= s;
  size_t d;
  if (la == 0 || lb == 0) d = la + lb;
  else d = detail::damerau_levenshtein_zhao(a, la, b, lb);
  return d <= max ? d : max + 1;
}

}  // namespace strdist
