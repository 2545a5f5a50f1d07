// Upper bounds on a word's key (higher is better; Levenshtein's key is -distance) from what the
// index knows without scoring it: the query's length q, the word's length w, an upper bound
// `common` on the multiset intersection of their code points, and for Jaro-Winkler an upper
// bound on their common prefix. Every bound is provably >= the true key, so a word is skipped
// only when it cannot belong in the result:
//   - Levenshtein: d >= max(q, w) - common (each code point outside the intersection costs an
//     edit);
//   - Jaro: m <= common and t >= 0, so jaro <= (m/q + m/w + 1)/3;
//   - Jaro-Winkler: jaro + l * p * (1 - jaro) grows with jaro (l * p <= 1), and l (the common
//     prefix, capped at 4) is at most m; when the first code points differ, l = 0 and the
//     bound is the Jaro bound (the first-character-aware bound of the search).
// Similarity bounds carry kMargin against rounding in the last bits.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "corpus_options.hpp"

namespace strdist {
namespace detail {

// Bounds may be off by rounding in the last bits; a margin far above that keeps them safe.
constexpr double kMargin = 1e-9;

// Upper bound on the key of a word of length w sharing at most `common` code points with the
// query and, for Jaro-Winkler, a common prefix of at most `prefix` (capped at 4 and at m).
inline double key_bound(const SearchOptions& opt, size_t q, size_t w, size_t common, size_t prefix = 4) {
  const size_t mx = std::max(q, w);
  switch (opt.metric) {
    case Metric::Levenshtein:
      return -static_cast<double>(mx - std::min(common, std::min(q, w)));
    case Metric::LevenshteinSimilarity: {
      if (mx == 0) return 1.0;
      const size_t d = mx - std::min(common, std::min(q, w));
      return 1.0 - static_cast<double>(d) / static_cast<double>(mx) + kMargin;
    }
    case Metric::Jaro:
    case Metric::JaroWinkler: {
      if (q == 0 && w == 0) return 1.0;
      const size_t m = std::min(common, std::min(q, w));
      if (m == 0) return 0.0;
      const double md = static_cast<double>(m);
      double j = (md / static_cast<double>(q) + md / static_cast<double>(w) + 1.0) / 3.0;
      const size_t l = std::min(std::min<size_t>(prefix, 4), m);
      if (opt.metric == Metric::JaroWinkler && j > 0.7) j = j + static_cast<double>(l) * opt.prefix_weight * (1.0 - j);
      return std::min(1.0, j) + kMargin;
    }
  }
  return 1.0;
}

// The smallest common count a word of length w needs to possibly reach `floor` (a key);
// SIZE_MAX when even a perfect overlap cannot.
inline size_t need_common(const SearchOptions& opt, size_t q, size_t w, double floor) {
  const size_t top = std::min(q, w);
  if (key_bound(opt, q, w, top) < floor) return SIZE_MAX;
  size_t lo = 0, hi = top;  // key_bound is non-decreasing in common: find the first passing
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (key_bound(opt, q, w, mid) >= floor) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// The key a result must reach to be kept at all (from the user's cutoff).
inline double user_floor(const SearchOptions& opt) {
  if (opt.metric == Metric::Levenshtein) {
    return opt.max_distance == SIZE_MAX ? -std::numeric_limits<double>::infinity()
                                        : -static_cast<double>(opt.max_distance);
  }
  return opt.min_score;
}

}  // namespace detail
}  // namespace strdist
